extension Scheduler {
    /// Decides the next step, in this order:
    /// 1. Every decoding sequence gets its one token (oldest first), whatever prefill waits.
    /// 2. If nothing was preempted, waiting sequences are admitted in order while a slot is free and
    ///    the free pool holds all their known items beyond what running prefills still need (admitting
    ///    on a first chunk alone let a readmitted sequence hold blocks it could not use, to be
    ///    preempted again: twice the items fed in the randomized simulation). A sequence whose items
    ///    begin with cached ones takes them (shared whole blocks, a partial block's rows copied) and
    ///    needs blocks only for the rest. One the pool cannot hold yet is passed by later ones that
    ///    fit, up to `passLimit` times; then everybody waits for it.
    /// 3. Prefilling sequences get chunks of at most `prefillChunk` items from what the step's budget
    ///    leaves (`maxBatchTokens` items, and `stepTarget` seconds as `stepCost` judges them): first
    ///    every one whose whole rest fits, oldest first, so that a short prompt beside a long one
    ///    starts now; then the others, oldest first. The oldest gets at least a quarter of the target's
    ///    time, and one item, whatever is left. A chunk shrinks to the free KV rather than stall.
    /// 4. While some sequence waits for its images, the vision tower gets what the step target leaves
    ///    (at most `visionBudget`), and at least a quarter of the target, so images advance however
    ///    many streams decode and prompts prefill. A request whose images are encoded is prefilled
    ///    before the others' images: it is the nearer to its first token. A sequence waiting for its
    ///    images is not admitted, and passes nobody.
    ///
    /// When the pool cannot hold a decode token, or a prefill can feed nothing for want of KV, the
    /// newest running sequence is preempted and the request retried. The oldest sequence never waits
    /// for a younger one, and a sequence that fits the pool alone is refused nothing, so the loop
    /// cannot deadlock.
    public mutating func planStep() -> StepPlan {
        var plan = StepPlan()
        var budget = StepBudget(items: config.maxBatchTokens, seconds: (config.stepTarget ?? .infinity) - stepCost.perStep)
        planDecodes(into: &plan, budget: &budget)
        if plan.preempted.isEmpty { admitWaiting(into: &plan) }
        planPrefills(into: &plan, budget: &budget)
        planVision(into: &plan, budget: &budget)
        return plan
    }

    /// What is left of a step as it is planned.
    private struct StepBudget {
        var items: Int
        var seconds: Double
    }

    private mutating func planDecodes(into plan: inout StepPlan, budget: inout StepBudget) {
        for id in running where phase(of: id) == .decoding {
            while phase(of: id) == .decoding, freeBlocks < extraBlocks(id, count: 1),
                let victim = newestPreemptible()
            {
                preempt(victim, into: &plan)
            }
            if phase(of: id) == .decoding { feed(id, count: 1, into: &plan, budget: &budget) }
        }
    }

    private func planVision(into plan: inout StepPlan, budget: inout StepBudget) {
        guard waiting.contains(where: { sequences[$0]?.awaitingImages == true }) else { return }
        let floor = (config.stepTarget ?? 0) / 4
        let left = max(budget.seconds, floor)
        plan.visionSeconds = min(config.visionBudget ?? left, left)
        if plan.visionSeconds.isFinite { budget.seconds -= plan.visionSeconds }
    }

    private mutating func planPrefills(into plan: inout StepPlan, budget: inout StepBudget) {
        // Decodes were fed already: a sequence still `decoding` was admitted with all but its last
        // item cached, and is prefilled here like the others.
        let prefilling = running.filter { [.prefilling, .decoding].contains(phase(of: $0)) }
        for id in prefilling {
            guard let state = sequences[id] else { continue }
            let rest = state.known - state.computed
            let fits = rest <= min(config.prefillChunk, budget.items, kvRoom(id))
                && stepCost.of(count: rest, after: state.computed, logits: true) <= budget.seconds
            if fits { feed(id, count: rest, into: &plan, budget: &budget) }
        }
        for id in prefilling where phase(of: id) == .prefilling {
            guard budget.items > 0 else { return }
            // Only younger sequences give way: the newest preemptible is `id` itself or younger.
            while kvRoom(id) <= 0, let victim = newestPreemptible(), victim != id {
                preempt(victim, into: &plan)
            }
            let count = chunkSize(id, budget: budget, oldest: id == prefilling.first)
            if count > 0 { feed(id, count: count, into: &plan, budget: &budget) }
        }
    }

    private mutating func admitWaiting(into plan: inout StepPlan) {
        var index = 0
        while index < waiting.count, let slot = slotOwners.firstIndex(of: nil) {
            let id = waiting[index]
            guard let state = sequences[id] else { return }
            if state.awaitingImages {
                index += 1
                continue
            }
            let hit = cacheHit(state)
            let room = freeBlocks - pool.evictable(among: hit.blocks + (hit.partial.map { [$0.block] } ?? [])) - blocksOwedToPrefills
            guard config.kv.blocks(forTokens: state.known) - hit.blocks.count <= room else {
                guard state.passes < config.passLimit else { return }
                index += 1
                continue
            }
            waiting.remove(at: index)
            for passed in waiting[..<index] where sequences[passed]?.awaitingImages == false { sequences[passed]?.passes += 1 }
            running.append(id)
            slotOwners[slot] = id
            take(hit, for: id, slot: slot, into: &plan)
            plan.admitted.append(Admission(id: id, slot: slot))
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

    /// Blocks the running prefills still need for the items they know: admissions leave them free.
    private var blocksOwedToPrefills: Int {
        running.reduce(0) { owed, id in
            guard let state = sequences[id], state.phase == .prefilling else { return owed }
            return owed + max(config.kv.blocks(forTokens: state.known) - state.table.count, 0)
        }
    }

    /// Blocks the slot must gain to feed `count` more items. A slot always holds exactly the blocks
    /// for its computed items.
    private func extraBlocks(_ id: RequestID, count: Int) -> Int {
        guard let state = sequences[id] else { return 0 }
        return config.kv.blocks(forTokens: state.computed + count) - state.table.count
    }

    /// Items the sequence's slot can take with the blocks it holds and the free ones.
    private func kvRoom(_ id: RequestID) -> Int {
        guard let state = sequences[id] else { return 0 }
        return (state.blocksHeld + freeBlocks) * config.kv.blockSize - state.computed
    }

    /// The next chunk of a prefilling sequence: what the step's items, its time and the KV leave; the
    /// oldest gets at least a quarter of the target's time and one item, if the items and KV allow.
    private func chunkSize(_ id: RequestID, budget: StepBudget, oldest: Bool) -> Int {
        guard let state = sequences[id] else { return 0 }
        let limit = max(min(state.known - state.computed, config.prefillChunk, budget.items, kvRoom(id)), 0)
        let seconds = oldest ? max(budget.seconds, (config.stepTarget ?? 0) / 4 - stepCost.perStep) : budget.seconds
        let affordable = stepCost.items(within: seconds, after: state.computed, limit: limit)
        return oldest ? max(affordable, min(1, limit)) : affordable
    }

    /// Sequences that reached `maxTokens` wait for `finish` and are never requeued.
    private func newestPreemptible() -> RequestID? {
        running.last { phase(of: $0) != .exhausted }
    }

    /// Plans `count` items of a running sequence: the slot grows to hold them, `computed` advances, the
    /// step's budget shrinks.
    /// The callers checked that the pool has the blocks.
    private mutating func feed(_ id: RequestID, count: Int, into plan: inout StepPlan, budget: inout StepBudget) {
        guard var state = sequences[id], let slot = state.slot else { return }
        let items = state.computed..<(state.computed + count)
        budget.items -= count
        budget.seconds -= stepCost.of(count: count, after: state.computed, logits: items.upperBound == state.known)
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
