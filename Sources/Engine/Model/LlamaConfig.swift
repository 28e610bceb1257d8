/// Hyperparameters of a LLaMA-architecture language model, read from GGUF metadata.
public struct LlamaConfig: Sendable, Equatable {
    public var dim: Int           // embedding width
    public var layers: Int
    public var heads: Int
    public var kvHeads: Int
    public var headDim: Int
    public var ffnDim: Int
    public var vocabSize: Int
    public var contextLength: Int
    public var ropeBase: Float
    public var ropeDim: Int       // leading dimensions of each head that RoPE rotates
    public var rmsEpsilon: Float

    public var kvDim: Int { kvHeads * headDim }
    /// Query heads that share one key/value head.
    public var groupSize: Int { heads / kvHeads }

    public static let supportedArchitectures: Set<String> = ["llama"]

    public init(gguf: GGUFFile) throws(GGUFError) {
        let arch = try gguf.string(GGUFKey.architecture)
        guard Self.supportedArchitectures.contains(arch) else {
            throw GGUFError(gguf.path, "unsupported architecture '\(arch)': Loom runs \(Self.supportedArchitectures.sorted().joined(separator: ", ")) language models")
        }
        dim = try gguf.int(GGUFKey.embeddingLength(arch))
        layers = try gguf.int(GGUFKey.blockCount(arch))
        heads = try gguf.int(GGUFKey.headCount(arch))
        kvHeads = gguf.metadata[GGUFKey.headCountKV(arch)]?.int ?? heads
        ffnDim = try gguf.int(GGUFKey.feedForwardLength(arch))
        contextLength = try gguf.int(GGUFKey.contextLength(arch))
        ropeBase = gguf.metadata[GGUFKey.ropeFreqBase(arch)]?.float ?? 10_000
        rmsEpsilon = gguf.metadata[GGUFKey.rmsEpsilon(arch)]?.float ?? 1e-5
        let tokenCount = gguf.metadata[GGUFKey.tokens]?.array?.count
        vocabSize = gguf.metadata[GGUFKey.vocabSize(arch)]?.int ?? tokenCount ?? 0
        guard dim > 0, layers > 0, heads > 0, kvHeads > 0, heads % kvHeads == 0, dim % heads == 0,
              ffnDim > 0, vocabSize > 0, contextLength > 0
        else {
            throw GGUFError(gguf.path, "inconsistent hyperparameters: dim \(dim), heads \(heads)/\(kvHeads), ffn \(ffnDim), vocab \(vocabSize)")
        }
        headDim = dim / heads
        ropeDim = gguf.metadata[GGUFKey.ropeDimensionCount(arch)]?.int ?? headDim
        guard ropeDim <= headDim, ropeDim % 2 == 0 else {
            throw GGUFError(gguf.path, "RoPE dimension \(ropeDim) does not fit head size \(headDim)")
        }
    }
}
