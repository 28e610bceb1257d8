/// The scheduler's view of one sequence: how many of its items exist and how many have KV.
public struct SequenceState: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        /// In the queue, without a slot.
        case waiting
        /// Feeding known items in chunks: its prompt, or everything again after a preemption.
        case prefilling
        /// One item left to feed: the token sampled last.
        case decoding
        /// Everything known was fed; the sampled token is not reported yet.
        case awaitingToken
        /// Generated `maxTokens`: fed no more, waiting for the executor's `finish`.
        case exhausted
    }

    public let id: RequestID
    public let promptLength: Int
    public let maxTokens: Int
    /// Items whose value exists: the prompt's items (text tokens and image positions) plus the tokens
    /// sampled so far.
    public internal(set) var known: Int
    /// Items fed to the model, counted when planned: always `≤ known`, reset to 0 by a preemption.
    public internal(set) var computed = 0
    public internal(set) var slot: Int?
    /// The KV blocks of the slot, in position order, as the plans so far gave them: some may be shared
    /// with other sequences through the prefix cache.
    public internal(set) var table: [Int32] = []
    /// Each known item's key for the prefix cache; `nil`: the sequence neither uses nor fills it.
    var keys: [UInt64]?
    /// Leading blocks of `table` that are nodes of the cache (found there or registered since), and
    /// the node id of the last one.
    var registered = 0
    var lastNode = BlockPool.root
    /// Items whose KV is written: `computed` as of the last step run (`completeStep`), or the cache
    /// hit at admission. Only these are ever registered in the cache; a plan that never ran (its
    /// sequence retired before the forward) leaves nothing half-written behind.
    var written = 0
    /// Later requests admitted while this one waited for KV the pool did not have.
    var passes = 0
    /// Prompt positions found in the cache when the sequence was first admitted.
    public internal(set) var cachedPositions: Int?
    /// Its images are not encoded yet: it waits, not admitted, and later requests pass it freely.
    public internal(set) var awaitingImages = false

    init(id: RequestID, promptLength: Int, maxTokens: Int, keys: [UInt64]?) {
        self.id = id
        self.promptLength = promptLength
        self.maxTokens = maxTokens
        self.keys = keys
        known = promptLength
    }

    /// Blocks the slot holds in the KV pool.
    public var blocksHeld: Int { table.count }

    public var generated: Int { known - promptLength }

    public var phase: Phase {
        guard slot != nil else { return .waiting }
        if generated >= maxTokens { return .exhausted }
        switch known - computed {
        case 0: return .awaitingToken
        case 1: return .decoding
        default: return .prefilling
        }
    }

    /// Positions the sequence ever holds: the last sampled token is never fed.
    var lifetimePositions: Int { promptLength + maxTokens - 1 }
}
