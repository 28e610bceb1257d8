/// A model's tokenizer, built once from its GGUF metadata; reproduces llama.cpp's `llama_tokenize`
/// and `llama_token_to_piece` / `llama_detokenize` on the same file.
///
/// Supported: byte-level BPE (`tokenizer.ggml.model` "gpt2") with the "smollm" pre-tokenizer, and
/// SentencePiece ("llama"). A value type that shares its tables: copying it is cheap.
public struct Tokenizer: Sendable {
    public enum Model: String, Sendable {
        case bytePair = "gpt2"
        case sentencePiece = "llama"
    }

    private enum Encoder: Sendable {
        case bytePair(BytePairEncoder)
        case sentencePiece(SentencePieceEncoder)
    }

    public let model: Model
    /// Beginning-of-sequence token, if the vocabulary has one.
    public let bos: Int32?
    /// End-of-sequence token.
    public let eos: Int32?
    /// End-of-turn token (`<|im_end|>` for ChatML models), declared or recognised by its text.
    public let eot: Int32?
    public let unknown: Int32?
    /// Every token that ends a generation (eos, eot and tokens such as `<|endoftext|>`).
    public let endOfGeneration: Set<Int32>
    /// `tokenizer.ggml.add_bos_token` (default: true for SentencePiece, false for BPE).
    public let addBOS: Bool
    /// `tokenizer.ggml.add_eos_token` (default false).
    public let addEOS: Bool
    /// `tokenizer.ggml.add_space_prefix` (default: true for SentencePiece, false for BPE).
    public let addSpacePrefix: Bool

    private let vocabulary: Vocabulary
    private let encoder: Encoder
    /// Tokens matched by their text before tokenizing, longest text first: all of them when parsing
    /// special tokens, else only the user-defined ones.
    private let specials: [(id: Int32, text: [UInt8])]
    private let userDefinedSpecials: [(id: Int32, text: [UInt8])]
    /// Each token's bytes when special tokens are rendered (llama.cpp's token-to-piece cache).
    private let pieces: [[UInt8]]

    public init(gguf: GGUFFile) throws(TokenizerError) {
        try self.init(metadata: gguf.metadata)
    }

    public init(metadata: [String: GGUFValue]) throws(TokenizerError) {
        let reader = MetadataReader(metadata: metadata)
        let modelName = try reader.string(GGUFKey.tokenizerModel)
        guard let model = Model(rawValue: modelName) else { throw .unsupportedModel(modelName) }
        if model == .bytePair {
            // llama.cpp reads a missing pre-tokenizer as "default", which is not SmolLM's.
            let pre = reader.optionalString(GGUFKey.tokenizerPre) ?? "default"
            guard pre == "smollm" else { throw .unsupportedPreTokenizer(pre) }
        }
        self.model = model

        var (texts, kinds, scores) = try Vocabulary.read(reader)
        let special = SpecialTokens.resolve(model: model, reader: reader, texts: texts, kinds: &kinds)
        let vocabulary = Vocabulary(texts: texts, kinds: kinds, scores: scores)
        self.vocabulary = vocabulary
        bos = special.bos
        eos = special.eos
        eot = special.eot
        unknown = special.unknown
        endOfGeneration = special.endOfGeneration
        addBOS = reader.optionalBool(GGUFKey.addBOS) ?? (model == .sentencePiece)
        addEOS = reader.optionalBool(GGUFKey.addEOS) ?? false
        addSpacePrefix = reader.optionalBool(GGUFKey.addSpacePrefix) ?? (model == .sentencePiece)

        switch model {
        case .bytePair:
            let merges = try reader.array(GGUFKey.merges) { $0.string }
            encoder = .bytePair(BytePairEncoder(vocabulary: vocabulary, mergeList: merges))
        case .sentencePiece:
            encoder = .sentencePiece(SentencePieceEncoder(vocabulary: vocabulary, unknown: special.unknown))
        }
        specials = kinds.indices
            .filter { kinds[$0].isMatchedInText }
            .map { (id: Int32($0), text: texts[$0]) }
            .sorted { $0.text.count != $1.text.count ? $0.text.count > $1.text.count : $0.id < $1.id }
        userDefinedSpecials = specials.filter { kinds[Int($0.id)] == .userDefined }
        pieces = texts.indices.map { TokenPiece.bytes(model: model, text: texts[$0], kind: kinds[$0]) }
    }

    // MARK: Vocabulary

    public var vocabularySize: Int { vocabulary.count }

    public func isEndOfGeneration(_ id: Int32) -> Bool { endOfGeneration.contains(id) }

    /// The id of a control, user-defined or unknown token with exactly this text
    /// (`"<|im_start|>"`, `"</s>"`), or nil.
    public func id(forSpecial text: String) -> Int32? {
        guard let id = vocabulary.id(of: Array(text.utf8)), vocabulary.kind(id).isMatchedInText else { return nil }
        return id
    }

    /// The vocabulary's own text for a token (byte-level BPE texts are in GPT-2's alphabet).
    public func tokenText(_ id: Int32) -> String? {
        vocabulary.contains(id) ? String(decoding: vocabulary.texts[Int(id)], as: UTF8.self) : nil
    }

    public func tokenKind(_ id: Int32) -> TokenKind { vocabulary.kind(id) }

    // MARK: Encoding

    /// The tokens of `text`. With `parseSpecial`, the texts of control tokens (`<|im_start|>`, `<s>`)
    /// become those tokens; otherwise they are tokenized as ordinary text (user-defined tokens are
    /// matched either way). With `addSpecial`, BOS/EOS are added as the model's metadata asks
    /// (`add_bos_token`, `add_eos_token`); without it, none are.
    public func encode(_ text: String, parseSpecial: Bool, addSpecial: Bool = false) -> [Int32] {
        let bytes = Array(text.utf8)
        let fragments = TextFragment.split(bytes, specials: parseSpecial ? specials : userDefinedSpecials)
        var output: [Int32] = []
        output.reserveCapacity(bytes.count / 3 + 2)
        if addSpecial && addBOS, let bos { output.append(bos) }
        // SentencePiece puts a space before the first text and after every special token.
        var afterSpecial = true
        for fragment in fragments {
            switch fragment {
            case .token(let id):
                output.append(id)
                afterSpecial = true
            case .text(let range):
                encodeText(bytes, range, prefixSpace: addSpacePrefix && afterSpecial, into: &output)
                afterSpecial = false
            }
        }
        if addSpecial && addEOS, let eos { output.append(eos) }
        return output
    }

    private func encodeText(_ bytes: [UInt8], _ range: Range<Int>, prefixSpace: Bool, into output: inout [Int32]) {
        switch encoder {
        case .sentencePiece(let spm):
            spm.encode(bytes[range], prefixSpace: prefixSpace, into: &output)
        case .bytePair(let bpe):
            let (scalars, offsets) = UTF8Text.decode(bytes[range])
            let bounds = SmolLMPreTokenizer.wordBounds(scalars)
            for w in bounds.indices.dropLast() where bounds[w] < bounds[w + 1] {
                bpe.encode(bytes, word: offsets[bounds[w]]..<offsets[bounds[w + 1]], into: &output)
            }
        }
    }

    // MARK: Decoding

    /// The bytes a token stands for. Control and unknown tokens are empty unless `renderSpecial`
    /// (then their text, e.g. `<|im_end|>`); user-defined tokens always render as their text; unused
    /// and undefined tokens, and ids outside the vocabulary, are empty. This is llama.cpp's
    /// `llama_token_to_piece(..., special)`.
    public func tokenBytes(_ id: Int32, renderSpecial: Bool = false) -> [UInt8] {
        guard vocabulary.contains(id) else { return [] }
        if !renderSpecial && vocabulary.kinds[Int(id)].isHiddenByDefault { return [] }
        return pieces[Int(id)]
    }

    /// The text of a token sequence, as llama.cpp's `llama_detokenize(remove_special: false,
    /// unparse_special: renderSpecial)`: the pieces concatenated and, when the model adds a space
    /// prefix (SentencePiece), one leading space of the first piece removed. Invalid UTF-8 (a
    /// sequence cut mid-character) becomes U+FFFD.
    public func decode(_ ids: [Int32], renderSpecial: Bool = false) -> String {
        String(decoding: decodeBytes(ids, renderSpecial: renderSpecial), as: UTF8.self)
    }

    public func decodeBytes(_ ids: [Int32], renderSpecial: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = []
        for (i, id) in ids.enumerated() {
            let piece = tokenBytes(id, renderSpecial: renderSpecial)
            if i == 0 && addSpacePrefix && piece.first == UInt8(ascii: " ") {
                bytes += piece.dropFirst()
            } else {
                bytes += piece
            }
        }
        return bytes
    }
}
