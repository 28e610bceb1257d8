/// Why a tokenizer could not be built from a model file's metadata.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
    /// A required `tokenizer.*` key is absent or has the wrong type.
    case missingMetadata(key: String)
    /// `tokenizer.ggml.model` names a tokenizer Loom does not implement.
    case unsupportedModel(String)
    /// `tokenizer.ggml.pre` names a pre-tokenizer Loom does not implement.
    case unsupportedPreTokenizer(String)
    /// The metadata is present but inconsistent (e.g. arrays of different lengths).
    case malformed(String)

    public var description: String {
        switch self {
        case .missingMetadata(let key): "tokenizer metadata \(key) is missing or has the wrong type"
        case .unsupportedModel(let name): "unsupported tokenizer model '\(name)' (supported: gpt2, llama)"
        case .unsupportedPreTokenizer(let name): "unsupported BPE pre-tokenizer '\(name)' (supported: smollm)"
        case .malformed(let reason): "malformed tokenizer metadata: \(reason)"
        }
    }
}
