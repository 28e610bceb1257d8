import LoomProtocol

extension RoutingHints {
    /// The hints of `request`: its images' content hashes, and its prompt as bytes up to
    /// `maxKeyBytes` (a role byte before each chat message, image hashes where images stand).
    public init(_ request: GenerationRequest, maxKeyBytes: Int) {
        let hashes = request.images.map(ImageContentHash.of)
        var key: [UInt8] = []
        func append(_ bytes: some Sequence<UInt8>) {
            key.append(contentsOf: bytes.prefix(max(0, maxKeyBytes - key.count)))
        }
        switch request.prompt {
        case .text(let text):
            append(text.utf8)
        case .chat(let messages):
            for message in messages where key.count < maxKeyBytes {
                append([message.role.rawValue])
                for part in message.parts {
                    switch part {
                    case .text(let text): append(text.utf8)
                    case .image(let index): append(withUnsafeBytes(of: hashes[index].littleEndian, Array.init))
                    }
                }
            }
        }
        self.init(imageHashes: hashes, promptKey: key)
    }
}
