/// The figures of one turn number across a run's conversations: how its requests went, how long
/// their prompts were (they grow with the history), their TTFT and what the cache supplied.
public struct TurnSummary: Sendable, Equatable {
    /// From 1.
    public var turn: Int
    public var completed: Int
    public var failed: Int
    /// Prompt tokens per successful request, images included.
    public var meanInputTokens: Double
    public var timeToFirstToken: LatencySummary
    public var cache: PromptCacheShare

    public init(turn: Int, records: [RequestRecord]) {
        let timings = records.compactMap(\.timing)
        self.turn = turn
        completed = timings.count
        failed = records.count - timings.count
        meanInputTokens = timings.isEmpty ? 0 : Double(timings.reduce(0) { $0 + $1.inputTokens }) / Double(timings.count)
        timeToFirstToken = LatencySummary(timings.map(\.timeToFirstToken))
        cache = PromptCacheShare(timings)
    }
}
