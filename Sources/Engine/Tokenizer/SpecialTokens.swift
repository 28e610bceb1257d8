/// The ids a generator needs to know about, found as llama.cpp's vocabulary loader finds them:
/// metadata keys first, defaults per tokenizer model, then end-of-turn tokens recognised by their text.
struct SpecialTokens: Sendable {
    var bos: Int32?
    var eos: Int32?
    var eot: Int32?
    var eom: Int32?
    var unknown: Int32?
    /// Every token that ends a generation.
    var endOfGeneration: Set<Int32>

    /// Texts that mark an end of turn, in the order they are preferred when a vocabulary has several
    /// (SmolLM2 has both `<|im_end|>` and `<|endoftext|>`; its turns end with `<|im_end|>`).
    static let endOfTurnTexts = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<EOT>", "_<EOT>",
        "<｜end▁of▁sentence｜>",
    ]
    static let endOfMessageTexts = ["<|eom_id|>"]
    /// Tokens that end a generation wherever they appear.
    static let endOfGenerationTexts = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>", "_<EOT>",
    ]

    /// `kinds` is updated: a recognised end-of-turn token that the file did not mark as control becomes
    /// one, so it is hidden when decoding and matched only with special-token parsing (as in llama.cpp).
    static func resolve(
        model: Tokenizer.Model, reader: MetadataReader, texts: [[UInt8]], kinds: inout [TokenKind]
    ) -> SpecialTokens {
        let count = texts.count
        func inRange(_ id: Int?) -> Int32? {
            guard let id, id >= 0, id < count else { return nil }
            return Int32(id)
        }
        // A metadata id outside the vocabulary is ignored, keeping the default.
        func read(_ key: String, default fallback: Int?) -> Int32? {
            inRange(reader.optionalInt(key)) ?? inRange(fallback)
        }
        var lookup: [[UInt8]: Int32] = [:]
        for (id, text) in texts.enumerated() where lookup[text] == nil { lookup[text] = Int32(id) }
        func firstPresent(_ candidates: [String]) -> Int32? {
            candidates.lazy.compactMap { lookup[Array($0.utf8)] }.first
        }

        let defaults: (bos: Int?, eos: Int?, unknown: Int?) = model == .sentencePiece ? (1, 2, 0) : (11, 11, nil)
        let declaredEOT = read(GGUFKey.eotID, default: nil)
        let declaredEOM = read(GGUFKey.eomID, default: nil)
        let recognisedEOT = declaredEOT == nil ? firstPresent(endOfTurnTexts) : nil
        let recognisedEOM = declaredEOM == nil ? firstPresent(endOfMessageTexts) : nil
        let recognisedEnds = Set(endOfGenerationTexts.compactMap { lookup[Array($0.utf8)] })
        var tokens = SpecialTokens(
            bos: read(GGUFKey.bosID, default: defaults.bos),
            eos: read(GGUFKey.eosID, default: defaults.eos),
            eot: declaredEOT ?? recognisedEOT,
            eom: declaredEOM ?? recognisedEOM,
            unknown: read(GGUFKey.unknownID, default: defaults.unknown),
            endOfGeneration: recognisedEnds)
        tokens.endOfGeneration.formUnion([tokens.eos, tokens.eot, tokens.eom].compactMap { $0 })
        for id in recognisedEnds.union([recognisedEOT, recognisedEOM].compactMap { $0 }) {
            kinds[Int(id)] = .control
        }
        return tokens
    }
}
