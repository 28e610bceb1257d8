/// A model's token table. Texts are kept as raw UTF-8 bytes: look-ups must be byte-exact, and Swift
/// `String` equality would merge canonically equivalent texts ("é" and "e\u{301}").
final class Vocabulary: Sendable {
    let texts: [[UInt8]]
    let kinds: [TokenKind]
    /// SentencePiece merge scores (zero when the file has none).
    let scores: [Float]
    private let ids: [[UInt8]: Int32]

    init(texts: [[UInt8]], kinds: [TokenKind], scores: [Float]) {
        self.texts = texts
        self.kinds = kinds
        self.scores = scores
        var ids: [[UInt8]: Int32] = [:]
        ids.reserveCapacity(texts.count)
        for (id, text) in texts.enumerated() where ids[text] == nil {
            ids[text] = Int32(id)
        }
        self.ids = ids
    }

    var count: Int { texts.count }

    func id(of text: [UInt8]) -> Int32? { ids[text] }

    func id(of text: ArraySlice<UInt8>) -> Int32? { ids[Array(text)] }

    func contains(_ id: Int32) -> Bool { id >= 0 && Int(id) < texts.count }

    func kind(_ id: Int32) -> TokenKind { contains(id) ? kinds[Int(id)] : .undefined }

    /// Reads `tokenizer.ggml.tokens`, `token_type` and `scores`. Empty texts are renamed as llama.cpp
    /// does, so every entry stays addressable.
    static func read(_ reader: MetadataReader) throws(TokenizerError) -> (texts: [[UInt8]], kinds: [TokenKind], scores: [Float]) {
        let strings = try reader.array(GGUFKey.tokens) { $0.string }
        let texts = strings.enumerated().map { id, text in Array((text.isEmpty ? "[EMPTY_\(id)]" : text).utf8) }
        let types = try reader.optionalArray(GGUFKey.tokenTypes) { $0.int }
        let scores = try reader.optionalArray(GGUFKey.scores) { $0.float }
        guard (types?.count ?? texts.count) >= texts.count, (scores?.count ?? texts.count) >= texts.count else {
            throw .malformed("token_type or scores is shorter than the \(texts.count) tokens")
        }
        let kinds = types.map { $0.prefix(texts.count).map(TokenKind.init(ggufType:)) }
            ?? Array(repeating: .normal, count: texts.count)
        return (texts, kinds, scores.map { Array($0.prefix(texts.count)) } ?? Array(repeating: 0, count: texts.count))
    }
}
