/// What a vocabulary entry is: `tokenizer.ggml.token_type`, llama.cpp's `LLAMA_TOKEN_TYPE_*` values.
public enum TokenKind: UInt8, Sendable {
    case undefined = 0
    case normal = 1
    case unknown = 2
    case control = 3
    case userDefined = 4
    case unused = 5
    case byte = 6

    init(ggufType: Int) {
        self = TokenKind(rawValue: UInt8(clamping: ggufType)) ?? .undefined
    }

    /// Matched as a whole in the raw text before tokenizing. User-defined tokens always are; control
    /// and unknown tokens only when the caller asks for special-token parsing (llama.cpp's rule).
    var isMatchedInText: Bool { self == .control || self == .userDefined || self == .unknown }

    /// Rendered as nothing unless the caller asks to see special tokens (llama.cpp's `special = false`).
    var isHiddenByDefault: Bool { self == .control || self == .unknown }
}
