/// One request to send: a user message, its images, and how many tokens to generate (all of them:
/// end-of-sequence is ignored, so every request does the same work).
public struct BenchRequest: Sendable, Equatable {
    public var prompt: String
    public var images: [ImageFile]
    public var maxTokens: Int

    public init(prompt: String, images: [ImageFile] = [], maxTokens: Int) {
        self.prompt = prompt
        self.images = images
        self.maxTokens = maxTokens
    }
}
