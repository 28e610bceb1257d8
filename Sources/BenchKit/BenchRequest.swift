/// One request to send: chat messages (a system prompt, a conversation's history, then the new user
/// message) and how many tokens to generate (all of them: end-of-sequence is ignored, so every
/// request does the same work).
public struct BenchRequest: Sendable, Equatable {
    public var messages: [BenchMessage]
    public var maxTokens: Int

    public init(messages: [BenchMessage], maxTokens: Int) {
        self.messages = messages
        self.maxTokens = maxTokens
    }

    /// A single user message with its images, after the system prompt if there is one.
    public init(prompt: String, images: [ImageFile] = [], systemPrompt: String? = nil, maxTokens: Int) {
        messages = (systemPrompt.map { [BenchMessage.system($0)] } ?? []) + [.user(prompt, images: images)]
        self.maxTokens = maxTokens
    }

    /// The text of the last message: the new user message.
    public var prompt: String { messages.last?.text ?? "" }

    /// Every message's images in the order they appear: the request's images as sent.
    public var images: [ImageFile] { messages.flatMap(\.images) }
}
