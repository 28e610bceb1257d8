/// One step's decisions: which items of which sequences go into the single flat forward batch, and
/// the KV cache changes to make before it runs.
public struct StepPlan: Sendable, Equatable {
    /// Sequences given a slot this step, in admission order (their queue time ends here). A preempted
    /// sequence is admitted again later and listed again. A sequence admitted with a prefix-cache hit
    /// starts its first entry after the hit.
    public var admitted: [Admission] = []
    /// What to feed: decode tokens first (in admission order), then prefill chunks.
    public var entries: [StepEntry] = []
    /// To apply to the `KVCache` in order, before the forward, in the order planning made them: a
    /// preempted sequence's release comes before its slot or its blocks are given again.
    public var kvActions: [KVAction] = []
    /// Sequences sent back to wait (their KV dropped, to be recomputed), newest first.
    public var preempted: [RequestID] = []
    /// Seconds of vision tower work to run before the forward (slices of the pass in flight, or of a
    /// new pass over the images waiting): planned while some sequence waits for its images.
    public var visionSeconds: Double = 0

    public var isEmpty: Bool { entries.isEmpty && kvActions.isEmpty && preempted.isEmpty && visionSeconds == 0 }

    /// Items fed this step: never more than `maxBatchTokens`.
    public var tokenCount: Int { entries.reduce(0) { $0 + $1.items.count } }
}

public struct Admission: Sendable, Equatable {
    public let id: RequestID
    public let slot: Int
}

/// One sequence's share of the batch.
public struct StepEntry: Sendable, Equatable {
    public let id: RequestID
    public let slot: Int
    /// Indices of the sequence's items to feed (prompt items, then generated tokens); their KV goes to
    /// the same positions of the slot.
    public let items: Range<Int>
    /// The range reaches the last known item: sample one token from the logits of `items.last`, and
    /// report it through `Scheduler.completeStep(sampled:)`.
    public let wantsLogits: Bool
}

/// A change to the executor's `KVCache` block tables. The scheduler's `BlockPool` decides which
/// blocks; the cache only records where each slot's positions live.
public enum KVAction: Sendable, Equatable {
    /// The slot's table grows by these blocks, in position order.
    case append(slot: Int, blocks: [Int32])
    /// The slot's table is emptied.
    case release(slot: Int)
    /// Entry `index` of the slot's table names `block` now, a block of the very same KV.
    case replace(slot: Int, index: Int, block: Int32)
    /// The first `rows` positions of block `from` are copied into block `to` (a partial cache hit).
    case copy(from: Int32, to: Int32, rows: Int)
}
