/// The cache-aware policy's knobs, after SGLang's router.
public struct CacheAwareSettings: Sendable, Equatable {
    /// The worker holding a request's prefix gives way to the least loaded one when its outstanding
    /// requests exceed the least loaded's by more than this many...
    public var balanceAbsoluteThreshold: Int
    /// ...and more than this many times over: affinity saves the prefix's prefill, but never at the
    /// price of a queue.
    public var balanceRelativeThreshold: Double
    /// The share of the prompt key a worker's history must match to be preferred for it.
    public var matchThreshold: Double
    /// Bytes of a prompt kept as its key: enough for a long system prompt and the history after it,
    /// or conversations sharing one would all look alike.
    public var maxPromptKeyBytes: Int
    /// Prompt keys remembered per worker.
    public var historyPerWorker: Int

    public init(
        balanceAbsoluteThreshold: Int = 4, balanceRelativeThreshold: Double = 1.5, matchThreshold: Double = 0.3,
        maxPromptKeyBytes: Int = 64 << 10, historyPerWorker: Int = 64
    ) {
        self.balanceAbsoluteThreshold = balanceAbsoluteThreshold
        self.balanceRelativeThreshold = balanceRelativeThreshold
        self.matchThreshold = matchThreshold
        self.maxPromptKeyBytes = maxPromptKeyBytes
        self.historyPerWorker = historyPerWorker
    }

    /// SGLang's rule: max − min > absolute and max > relative × min (here over the preferred worker's
    /// load and the least one).
    public func isImbalanced(_ loads: [Int]) -> Bool {
        guard let low = loads.min(), let high = loads.max() else { return false }
        return high - low > balanceAbsoluteThreshold && Double(high) > balanceRelativeThreshold * Double(low)
    }
}
