/// Continuous batching as a value-type state machine: events go in (`submit`, `cancel`, `finish`,
/// `completeStep`), decisions come out (`planStep`'s plan, KV actions). No I/O, no threads, no model.
///
/// Each sequence has `known` items (prompt items plus sampled tokens) and `computed` items (fed, KV
/// filled). A step feeds a running sequence `computed ..< min(known, computed + n)` and wants its
/// logits iff the range reaches `known`. A decoding sequence (`known - computed == 1`) feeds exactly
/// its last token, every step. A preempted sequence loses its KV (`computed = 0`) and later feeds all
/// its known items again: recompute.
///
/// The executor's loop, one step at a time:
/// 1. `planStep()`. Planning counts the entries' items as computed at once.
/// 2. Apply `kvActions` to the `KVCache` in order, prepare `admitted`, run one forward over `entries`.
/// 3. `completeStep(sampled:)` with the id of each entry that wanted logits and got its token.
/// 4. Between steps, `finish` or `cancel` sequences and apply the returned actions at once. A sequence
///    that generated `maxTokens` is fed no more and keeps its blocks until it is finished.
///
/// The scheduler mirrors the pool's block accounting exactly (a slot holds `ceil(positions /
/// blockSize)` blocks), so every action succeeds when all are applied in the order they were returned.
public struct Scheduler: Sendable {
    public let config: SchedulerConfig
    var sequences: [RequestID: SequenceState] = [:]
    /// Sequences without a slot, in arrival order; preempted ones go back to the front.
    public internal(set) var waiting: [RequestID] = []
    /// Sequences holding a slot, in admission order: the last is the first to be preempted.
    public internal(set) var running: [RequestID] = []
    /// Who holds each slot.
    var slotOwners: [RequestID?]
    public internal(set) var blocksUsed = 0
    public internal(set) var preemptionCount = 0

    public init(config: SchedulerConfig) {
        self.config = config
        slotOwners = Array(repeating: nil, count: config.maxRunning)
    }

    // MARK: Introspection

    public var waitingCount: Int { waiting.count }
    public var runningCount: Int { running.count }
    public var blocksTotal: Int { config.kv.blockCount }
    public func state(of id: RequestID) -> SequenceState? { sequences[id] }

    // MARK: Events

    /// Queues a request behind every earlier one, or refuses at once what could never run.
    public mutating func submit(id: RequestID, promptLength: Int, maxTokens: Int) -> SubmitResult {
        if let refusal = refusal(id: id, promptLength: promptLength, maxTokens: maxTokens) {
            return .refused(refusal)
        }
        sequences[id] = SequenceState(id: id, promptLength: promptLength, maxTokens: maxTokens)
        waiting.append(id)
        return .queued
    }

    /// The client is gone: the sequence leaves now. Returns the KV actions to apply at once (its slot's
    /// release if it held one). Unknown ids are ignored.
    public mutating func cancel(_ id: RequestID) -> [KVAction] { retire(id) }

    /// The executor decided the sequence is done (end of text, stop string, max tokens, deadline):
    /// as `cancel`.
    public mutating func finish(_ id: RequestID) -> [KVAction] { retire(id) }

    /// Records the tokens sampled in the step just run: each id's `known` grows by one. Ids that are
    /// gone (finished meanwhile) or that were not waiting for a token are ignored.
    public mutating func completeStep(sampled: [RequestID]) {
        for id in sampled where sequences[id]?.phase == .awaitingToken {
            sequences[id]?.known += 1
        }
    }

    // MARK: Shared bookkeeping

    var freeBlocks: Int { config.kv.blockCount - blocksUsed }

    func phase(of id: RequestID) -> SequenceState.Phase? { sequences[id]?.phase }

    /// Takes the sequence off its slot and returns its blocks to the pool; returns the slot it held.
    mutating func vacate(_ state: inout SequenceState) -> Int? {
        guard let slot = state.slot else { return nil }
        blocksUsed -= state.blocksHeld
        state.blocksHeld = 0
        state.slot = nil
        slotOwners[slot] = nil
        running.removeAll { $0 == state.id }
        return slot
    }

    private mutating func retire(_ id: RequestID) -> [KVAction] {
        guard var state = sequences.removeValue(forKey: id) else { return [] }
        guard let slot = vacate(&state) else {
            waiting.removeAll { $0 == id }
            return []
        }
        return [.release(slot: slot)]
    }

    private func refusal(id: RequestID, promptLength: Int, maxTokens: Int) -> SubmitRefusal? {
        guard promptLength > 0 else { return .emptyPrompt }
        guard maxTokens > 0 else { return .noTokensRequested }
        guard sequences[id] == nil else { return .duplicateID }
        guard promptLength <= config.contextLength - maxTokens else {
            let needed = promptLength > Int.max - maxTokens ? Int.max : promptLength + maxTokens
            return .exceedsContext(needed: needed, contextLength: config.contextLength)
        }
        let blocks = config.kv.blocks(forTokens: promptLength + maxTokens - 1)
        guard blocks <= config.kv.blockCount else {
            return .exceedsKVPool(neededBlocks: blocks, blockCount: config.kv.blockCount)
        }
        return nil
    }
}
