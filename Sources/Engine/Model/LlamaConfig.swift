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
        // Every value is checked where it is read, so an error names the key and the value.
        dim = try gguf.count(GGUFKey.embeddingLength(arch))
        layers = try gguf.count(GGUFKey.blockCount(arch))
        heads = try gguf.count(GGUFKey.headCount(arch))
        try gguf.requireDivisible(GGUFKey.embeddingLength(arch), dim, by: GGUFKey.headCount(arch), heads)
        kvHeads = try gguf.count(GGUFKey.headCountKV(arch), fallback: heads)
        try gguf.requireDivisible(GGUFKey.headCount(arch), heads, by: GGUFKey.headCountKV(arch), kvHeads)
        ffnDim = try gguf.count(GGUFKey.feedForwardLength(arch))
        contextLength = try gguf.count(GGUFKey.contextLength(arch))
        ropeBase = try gguf.positiveNumber(GGUFKey.ropeFreqBase(arch), fallback: 10_000)
        rmsEpsilon = try gguf.positiveNumber(GGUFKey.rmsEpsilon(arch), fallback: 1e-5)
        if gguf.metadata[GGUFKey.vocabSize(arch)] != nil {
            vocabSize = try gguf.count(GGUFKey.vocabSize(arch))
        } else if let tokens = try gguf.optional(GGUFKey.tokens, { $0.array }) {
            guard !tokens.isEmpty else { throw GGUFError(gguf.path, "\(GGUFKey.tokens) is empty; it must hold the vocabulary") }
            vocabSize = tokens.count
        } else {
            throw GGUFError(gguf.path, "no vocabulary size: neither \(GGUFKey.vocabSize(arch)) nor \(GGUFKey.tokens) is present")
        }
        headDim = dim / heads
        ropeDim = try gguf.count(GGUFKey.ropeDimensionCount(arch), fallback: headDim)
        guard ropeDim <= headDim, ropeDim % 2 == 0 else {
            throw gguf.invalid(GGUFKey.ropeDimensionCount(arch), ropeDim,
                               "it must be even and at most the head size \(headDim) (\(GGUFKey.embeddingLength(arch)) \(dim) / \(GGUFKey.headCount(arch)) \(heads))")
        }
    }
}
