/// The cache-aware policy's knobs, after SGLang's router.
public struct CacheAwareSettings: Sendable, Equatable {
    /// Loads are imbalanced when max − min exceeds this many requests...
    public var balanceAbsoluteThreshold: Int
    /// ...and max exceeds min times this; then the policy falls back to least load.
    public var balanceRelativeThreshold: Double
    /// The share of the prompt key a worker's history must match to be preferred for it.
    public var matchThreshold: Double
    /// Bytes of a prompt kept as its key.
    public var maxPromptKeyBytes: Int
    /// Prompt keys remembered per worker.
    public var historyPerWorker: Int

    public init(
        balanceAbsoluteThreshold: Int = 64, balanceRelativeThreshold: Double = 1.5, matchThreshold: Double = 0.3,
        maxPromptKeyBytes: Int = 4096, historyPerWorker: Int = 64
    ) {
        self.balanceAbsoluteThreshold = balanceAbsoluteThreshold
        self.balanceRelativeThreshold = balanceRelativeThreshold
        self.matchThreshold = matchThreshold
        self.maxPromptKeyBytes = maxPromptKeyBytes
        self.historyPerWorker = historyPerWorker
    }

    /// SGLang's rule: max − min > absolute and max > relative × min.
    public func isImbalanced(_ loads: [Int]) -> Bool {
        guard let low = loads.min(), let high = loads.max() else { return false }
        return high - low > balanceAbsoluteThreshold && Double(high) > balanceRelativeThreshold * Double(low)
    }
}
