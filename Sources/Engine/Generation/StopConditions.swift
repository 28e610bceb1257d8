/// When one sequence's output ends, besides the context running out.
public struct StopConditions: Sendable, Equatable {
    /// Most tokens to generate.
    public var maxTokens: Int = 256
    /// Generation ends before the first of these appears; the stop string itself is never emitted.
    public var stopStrings: [String] = []
    /// Go on past end-of-generation tokens (benchmarks).
    public var ignoreEndOfGeneration = false

    public init(maxTokens: Int = 256, stopStrings: [String] = [], ignoreEndOfGeneration: Bool = false) {
        self.maxTokens = maxTokens
        self.stopStrings = stopStrings
        self.ignoreEndOfGeneration = ignoreEndOfGeneration
    }
}
