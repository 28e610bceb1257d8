/// The bounds a receiver enforces before it allocates (docs/protocol.md, section 8).
/// Configuration, not protocol: both ends should agree, but changing them needs no new version.
public struct WireLimits: Sendable, Equatable {
    /// Frame 2.
    public var maxHeaderBytes = 1 << 20
    /// Images in one REQUEST; a message has at most 3 + this many frames.
    public var maxBodyFrames = 16
    /// One body frame (one image file).
    public var maxBodyBytes = 20 << 20
    /// All body frames of one message.
    public var maxTotalBodyBytes = 64 << 20
    /// Ids, model names, hosts, versions, stop strings.
    public var maxNameBytes = 256
    /// Prompts, content parts, deltas, error messages.
    public var maxTextBytes = 1 << 20
    public var maxStopStrings = 16
    /// Chat messages in one request.
    public var maxMessages = 1024
    /// Parts in one chat message.
    public var maxContentParts = 256
    public var maxModels = 64
    /// Workers in a STATUS_REPLY.
    public var maxWorkers = 1024
    /// Image-cache keys in a load report.
    public var maxImageKeys = 64
    /// Token ids in one PARTIAL.
    public var maxTokenIds = 4096
    /// Most likely tokens reported beside each generated one (`logprobs`), as OpenAI allows.
    public var maxTopLogprobs = 20
    /// One token's bytes in a PARTIAL's log-probabilities.
    public var maxTokenBytes = 256
    /// Entries of a request's `logit_bias`.
    public var maxLogitBiases = 1024

    /// Tools offered in one request, and calls in one assistant message.
    public var maxTools = 128
    /// A constraining grammar (GBNF), and one tool's parameter schema (JSON).
    public var maxGrammarBytes = 256 << 10

    public init() {}

    public static let `default` = WireLimits()

    var maxFrames: Int { 3 + maxBodyFrames }
}
