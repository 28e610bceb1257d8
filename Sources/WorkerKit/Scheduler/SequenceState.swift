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
    /// Blocks the slot holds in the KV pool, as the plans so far reserved them.
    public internal(set) var blocksHeld = 0

    init(id: RequestID, promptLength: Int, maxTokens: Int) {
        self.id = id
        self.promptLength = promptLength
        self.maxTokens = maxTokens
        known = promptLength
    }

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
