import Engine

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
/// The scheduler owns the pool's block accounting (`BlockPool`): a slot holds `ceil(positions /
/// blockSize)` blocks, which the actions name, so the `KVCache` only follows them in order.
///
/// With `prefixCaching`, a sequence's full blocks are registered in the pool's cache once computed,
/// and stay there, evictable, after it ends. A sequence admitted later whose items begin with a cached
/// chain takes those blocks and starts computing after them; rows it shares with a cached block
/// beyond are copied into a block of its own. The hit never reaches the last known item, whose logits
/// are needed, and a block is shared only once full, so no sequence writes a block another one reads.
public struct Scheduler: Sendable {
    public let config: SchedulerConfig
    var sequences: [RequestID: SequenceState] = [:]
    /// Sequences without a slot, in arrival order; preempted ones go back to the front.
    public internal(set) var waiting: [RequestID] = []
    /// Sequences holding a slot, in admission order: the last is the first to be preempted.
    public internal(set) var running: [RequestID] = []
    /// Who holds each slot.
    var slotOwners: [RequestID?]
    public internal(set) var pool: BlockPool
    public internal(set) var preemptionCount = 0
    /// Prompt positions looked up in the prefix cache at admissions, and of those, positions found.
    public internal(set) var queriedPositions = 0
    public internal(set) var hitPositions = 0
    /// Sequences whose images are not encoded yet: all of them wait, never admitted before.
    public var awaitingImageCount: Int { waiting.count { sequences[$0]?.awaitingImages == true } }
    /// What steps cost on this machine, for sizing them under `config.stepTarget`: the executor
    /// refines it from the steps it times. Zero: every step fits.
    public var stepCost = StepCost(perItem: 0, perLogitRow: 0, perAttendedPosition: 0)

    public init(config: SchedulerConfig) {
        self.config = config
        slotOwners = Array(repeating: nil, count: config.maxRunning)
        pool = BlockPool(blockSize: config.kv.blockSize, blockCount: config.kv.blockCount)
    }

    // MARK: Introspection

    public var waitingCount: Int { waiting.count }
    public var runningCount: Int { running.count }
    public var blocksTotal: Int { config.kv.blockCount }
    /// Blocks held by running sequences (cached blocks no sequence holds are not counted: they are
    /// there for the taking).
    public var blocksUsed: Int { pool.used }
    public func state(of id: RequestID) -> SequenceState? { sequences[id] }

    // MARK: Events

    /// Queues a request behind every earlier one, or refuses at once what could never run.
    /// - Parameter keys: one `ItemKey` per prompt item, for the prefix cache; `nil`: not cached.
    /// - Parameter awaitingImages: its images are still to be encoded; it is admitted once
    ///   `imagesEncoded` says they are, and until then steps plan vision work (`visionSeconds`).
    public mutating func submit(id: RequestID, promptLength: Int, maxTokens: Int, keys: [UInt64]? = nil,
                                awaitingImages: Bool = false) -> SubmitResult {
        if let refusal = refusal(id: id, promptLength: promptLength, maxTokens: maxTokens) {
            return .refused(refusal)
        }
        precondition(keys == nil || keys?.count == promptLength, "one key per prompt item")
        var state = SequenceState(id: id, promptLength: promptLength, maxTokens: maxTokens, keys: config.prefixCaching ? keys : nil)
        state.awaitingImages = awaitingImages
        sequences[id] = state
        waiting.append(id)
        return .queued
    }

    /// The sequence's images are encoded: it may be admitted (in its place in the queue).
    public mutating func imagesEncoded(_ id: RequestID) {
        sequences[id]?.awaitingImages = false
    }

    /// The client is gone: the sequence leaves now. Returns the KV actions to apply at once (its slot's
    /// release if it held one). Unknown ids are ignored.
    public mutating func cancel(_ id: RequestID) -> [KVAction] { retire(id) }

    /// The executor decided the sequence is done (end of text, stop string, max tokens, deadline):
    /// as `cancel`.
    public mutating func finish(_ id: RequestID) -> [KVAction] { retire(id) }

    /// Records the step just run: each sampled id's `known` grows by one token, and the blocks every
    /// running sequence filled are registered in the prefix cache (their KV exists now). Ids that are
    /// gone (finished meanwhile) or that were not waiting for a token are ignored. Returns the KV
    /// actions to apply at once: a block found computed twice is swapped for the cached copy.
    @discardableResult
    public mutating func completeStep(sampled: [(id: RequestID, token: Int32)]) -> [KVAction] {
        for (id, token) in sampled where sequences[id]?.phase == .awaitingToken {
            sequences[id]?.known += 1
            sequences[id]?.keys?.append(ItemKey.token(token))
        }
        var actions: [KVAction] = []
        for id in running {
            if let computed = sequences[id]?.computed { sequences[id]?.written = computed }
            registerFullBlocks(id, into: &actions)
        }
        return actions
    }

    /// Leading positions of a prompt with these item keys a sequence admitted now would find
    /// cached (0 with the cache off).
    public func cachedPositions(_ keys: [UInt64]) -> Int {
        guard config.prefixCaching else { return 0 }
        return longestHit(keys[...]).positions
    }

    /// What a sequence finds in the prefix cache: whole blocks, then maybe the first rows of a
    /// partial block.
    struct CacheHit {
        var blocks: [Int32] = []
        var node = BlockPool.root
        var partial: (block: Int32, count: Int)?
        /// The items the hit covers: the whole blocks' and the partial block's shared rows.
        var positions = 0
    }

    /// The longest cached prefix of `items`, short of their last item: that one is always computed,
    /// for its logits.
    func longestHit(_ items: ArraySlice<UInt64>) -> CacheHit {
        guard !items.isEmpty else { return CacheHit() }
        let size = config.kv.blockSize
        let (blocks, node) = pool.match(items, limit: (items.count - 1) / size)
        let rest = items.dropFirst(blocks.count * size)
        let partial = pool.matchPartial(rest, after: node, limit: min(size - 1, rest.count - 1))
        return CacheHit(blocks: blocks, node: node, partial: partial, positions: blocks.count * size + (partial?.count ?? 0))
    }

    // MARK: Shared bookkeeping

    /// Blocks an allocation can take now: free, or cached and held by nobody.
    var freeBlocks: Int { pool.available }

    /// A sequence that ends leaves its partly filled last block as a partial node (its full blocks are
    /// registered already), so that a prompt going on from there copies what it shares.
    private mutating func keepPartialBlock(of state: SequenceState) {
        let size = config.kv.blockSize
        guard let keys = state.keys, state.slot != nil, state.registered == state.written / size,
            state.written % size != 0, state.written <= keys.count, state.table.count > state.registered
        else { return }
        pool.registerPartial(state.table[state.registered], items: keys[(state.registered * size)..<state.written], after: state.lastNode)
    }

    private mutating func registerFullBlocks(_ id: RequestID, into actions: inout [KVAction]) {
        guard var state = sequences[id], let keys = state.keys, let slot = state.slot else { return }
        let size = config.kv.blockSize
        let full = min(state.written, keys.count) / size
        guard state.registered < full else { return }
        for index in state.registered..<full {
            let registration = pool.register(state.table[index], items: keys[index * size..<(index + 1) * size], after: state.lastNode)
            if case .duplicate(let cached, _) = registration {
                pool.retain(cached)
                pool.release([state.table[index]])
                state.table[index] = cached
                actions.append(.replace(slot: slot, index: index, block: cached))
            }
            state.lastNode = registration.node
        }
        state.registered = full
        sequences[id] = state
    }

    func phase(of id: RequestID) -> SequenceState.Phase? { sequences[id]?.phase }

    /// Takes the sequence off its slot and returns its blocks to the pool (its cached ones stay cached,
    /// evictable once nobody holds them); returns the slot it held.
    mutating func vacate(_ state: inout SequenceState) -> Int? {
        guard let slot = state.slot else { return nil }
        pool.release(state.table)
        state.table = []
        state.registered = 0
        state.lastNode = BlockPool.root
        state.slot = nil
        slotOwners[slot] = nil
        running.removeAll { $0 == state.id }
        return slot
    }

    private mutating func retire(_ id: RequestID) -> [KVAction] {
        guard var state = sequences.removeValue(forKey: id) else { return [] }
        keepPartialBlock(of: state)
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
