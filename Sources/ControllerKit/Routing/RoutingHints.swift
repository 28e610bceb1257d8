/// What the cache-aware policy knows of a request: the content hashes of its images and the start
/// of its prompt, as bytes (role markers, text, and image hashes where images stand).
public struct RoutingHints: Sendable, Equatable {
    public var imageHashes: [UInt64]
    public var promptKey: [UInt8]

    public init(imageHashes: [UInt64] = [], promptKey: [UInt8] = []) {
        self.imageHashes = imageHashes
        self.promptKey = promptKey
    }
}
