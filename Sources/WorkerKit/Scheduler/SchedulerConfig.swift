/// The limits one worker's batch loop runs under.
public struct SchedulerConfig: Sendable, Equatable {
    /// Sequences running at once; also the number of KV slots, numbered `0..<maxRunning`.
    public let maxRunning: Int
    /// Items one step may feed, over all sequences.
    public let maxBatchTokens: Int
    /// Items one prefilling sequence may feed in one step.
    public let prefillChunk: Int
    /// The KV pool: `kvBlockCount` blocks of `kvBlockSize` positions, as the executor's `KVCache` has.
    public let kvBlockCount: Int
    public let kvBlockSize: Int
    /// Longest sequence (prompt items plus generated tokens) the model takes.
    public let contextLength: Int

    /// Refuses settings under which the scheduler could not keep its promises: every one must be at
    /// least 1, and the budget must hold one decode token for every slot.
    public init(
        maxRunning: Int, maxBatchTokens: Int, prefillChunk: Int, kvBlockCount: Int, kvBlockSize: Int,
        contextLength: Int
    ) throws(SchedulerConfigError) {
        let settings = [
            ("maxRunning", maxRunning), ("maxBatchTokens", maxBatchTokens), ("prefillChunk", prefillChunk),
            ("kvBlockCount", kvBlockCount), ("kvBlockSize", kvBlockSize), ("contextLength", contextLength),
        ]
        for (name, value) in settings where value < 1 { throw .notPositive(setting: name) }
        guard maxBatchTokens >= maxRunning else { throw .budgetBelowMaxRunning }
        self.maxRunning = maxRunning
        self.maxBatchTokens = maxBatchTokens
        self.prefillChunk = prefillChunk
        self.kvBlockCount = kvBlockCount
        self.kvBlockSize = kvBlockSize
        self.contextLength = contextLength
    }

    /// Blocks that hold positions `0..<tokens`.
    public func blocksFor(tokens: Int) -> Int { (tokens + kvBlockSize - 1) / kvBlockSize }
}

public enum SchedulerConfigError: Error, Sendable, Equatable {
    case notPositive(setting: String)
    /// `maxBatchTokens < maxRunning`: a full house of decoding sequences would not fit one step.
    case budgetBelowMaxRunning
}
