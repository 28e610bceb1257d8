extension Scheduler {
    /// Decides the next step, in this order:
    /// 1. Every decoding sequence gets its one token (oldest first), whatever prefill waits.
    /// 2. Prefilling sequences get chunks of at most `prefillChunk` items, oldest first, from what the
    ///    budget leaves; a chunk shrinks to the free KV rather than stall.
    /// 3. If nothing was preempted, waiting sequences are admitted in order while a slot is free, the
    ///    budget has room for a first chunk and the free pool holds all their known items (admitting
    ///    on the first chunk alone let a readmitted sequence hold blocks it could not use, to be
    ///    preempted again: twice the items fed in the randomized simulation). The head of the queue
    ///    is never skipped. A sequence whose items begin with cached ones takes them (shared whole
    ///    blocks, a partial block's rows copied) and its first chunk starts after them; the pool
    ///    then needs only the blocks for the rest.
    ///
    /// When the pool cannot hold a decode token, or a prefill can feed nothing, the newest running
    /// sequence is preempted and the request retried. The oldest sequence never waits for a younger
    /// one, and a sequence that fits the pool alone is refused nothing, so the loop cannot deadlock.
    public mutating func planStep() -> StepPlan {
        var plan = StepPlan()
        planDecodes(into: &plan)
        planPrefills(into: &plan)
        if plan.preempted.isEmpty { admitWaiting(into: &plan) }
        return plan
    }

    private mutating func planDecodes(into plan: inout StepPlan) {
        for id in running where phase(of: id) == .decoding {
            while phase(of: id) == .decoding, freeBlocks < extraBlocks(id, count: 1),
                let victim = newestPreemptible()
            {
                preempt(victim, into: &plan)
            }
            if phase(of: id) == .decoding { feed(id, count: 1, into: &plan) }
        }
    }

    private mutating func planPrefills(into plan: inout StepPlan) {
        for id in running where phase(of: id) == .prefilling {
            guard budgetLeft(plan) > 0 else { return }
            var count = prefillSize(id, plan: plan)
            // Only younger sequences give way: the newest preemptible is `id` itself or younger.
            while count == 0, let victim = newestPreemptible(), victim != id {
                preempt(victim, into: &plan)
                count = prefillSize(id, plan: plan)
            }
            if count > 0 { feed(id, count: count, into: &plan) }
        }
    }

    private mutating func admitWaiting(into plan: inout StepPlan) {
        while let id = waiting.first, let state = sequences[id], let slot = slotOwners.firstIndex(of: nil) {
            let hit = cacheHit(state)
            let first = min(state.known - hit.positions, config.prefillChunk, budgetLeft(plan))
            let room = freeBlocks - pool.evictable(among: hit.blocks + (hit.partial.map { [$0.block] } ?? []))
            guard first > 0, config.kv.blocks(forTokens: state.known) - hit.blocks.count <= room else { return }
            waiting.removeFirst()
            running.append(id)
            slotOwners[slot] = id
            take(hit, for: id, slot: slot, into: &plan)
            plan.admitted.append(Admission(id: id, slot: slot))
            feed(id, count: first, into: &plan)
        }
    }

    private func cacheHit(_ state: SequenceState) -> CacheHit {
        guard let keys = state.keys else { return CacheHit() }
        return longestHit(keys[..<state.known])
    }

    /// Gives a newly admitted sequence its slot and what it found in the cache, which counts as
    /// computed: the full blocks, shared, and the rows of a partial block, copied into one of its own.
    private mutating func take(_ hit: CacheHit, for id: RequestID, slot: Int, into plan: inout StepPlan) {
        guard var state = sequences[id] else { return }
        for block in hit.blocks { pool.retain(block) }
        state.slot = slot
        state.table = hit.blocks
        state.registered = hit.blocks.count
        state.lastNode = hit.node
        if !hit.blocks.isEmpty { plan.kvActions.append(.append(slot: slot, blocks: hit.blocks)) }
        if let partial = hit.partial {
            pool.retain(partial.block)  // not evicted for its own copy
            let copy = pool.allocate()!
            pool.release([partial.block])
            state.table.append(copy)
            plan.kvActions.append(.append(slot: slot, blocks: [copy]))
            plan.kvActions.append(.copy(from: partial.block, to: copy, rows: partial.count))
        }
        state.computed = hit.positions
        state.written = hit.positions
        if state.keys != nil {
            queriedPositions += state.known
            hitPositions += state.computed
            if state.cachedPositions == nil { state.cachedPositions = min(state.computed, state.promptLength) }
        }
        sequences[id] = state
    }

    // MARK: Helpers

    private func budgetLeft(_ plan: StepPlan) -> Int { config.maxBatchTokens - plan.tokenCount }

    /// Blocks the slot must gain to feed `count` more items. A slot always holds exactly the blocks
    /// for its computed items.
    private func extraBlocks(_ id: RequestID, count: Int) -> Int {
        guard let state = sequences[id] else { return 0 }
        return config.kv.blocks(forTokens: state.computed + count) - state.table.count
    }

    private func prefillSize(_ id: RequestID, plan: StepPlan) -> Int {
        guard let state = sequences[id] else { return 0 }
        let kvRoom = (state.blocksHeld + freeBlocks) * config.kv.blockSize - state.computed
        return min(state.known - state.computed, config.prefillChunk, budgetLeft(plan), kvRoom)
    }

    /// Sequences that reached `maxTokens` wait for `finish` and are never requeued.
    private func newestPreemptible() -> RequestID? {
        running.last { phase(of: $0) != .exhausted }
    }

    /// Plans `count` items of a running sequence: the slot grows to hold them, `computed` advances.
    /// The callers checked that the pool has the blocks.
    private mutating func feed(_ id: RequestID, count: Int, into plan: inout StepPlan) {
        guard var state = sequences[id], let slot = state.slot else { return }
        let items = state.computed..<(state.computed + count)
        let needed = config.kv.blocks(forTokens: items.upperBound) - state.table.count
        if needed > 0 {
            let blocks = (0..<needed).map { _ in pool.allocate()! }
            state.table += blocks
            plan.kvActions.append(.append(slot: slot, blocks: blocks))
        }
        state.computed = items.upperBound
        sequences[id] = state
        plan.entries.append(StepEntry(id: id, slot: slot, items: items, wantsLogits: items.upperBound == state.known))
    }

    /// Frees the sequence's KV and puts it at the head of the queue, to be recomputed from item 0.
    private mutating func preempt(_ id: RequestID, into plan: inout StepPlan) {
        guard var state = sequences[id], let slot = vacate(&state) else { return }
        state.computed = 0
        state.written = 0
        sequences[id] = state
        waiting.insert(id, at: 0)
        preemptionCount += 1
        plan.entries.removeAll { $0.id == id }
        plan.preempted.append(id)
        plan.kvActions.append(.release(slot: slot))
    }
}
