import Engine
import Testing
import WorkerKit

/// A fake executor around a real `Scheduler`: applies every plan's KV actions to independent
/// `SlotTables`, checks every entry against its own record of each sequence, "samples" one token per
/// logits entry and finishes a sequence when it reaches `maxTokens`. Every step it checks the
/// scheduler's promises (budget, chunk bound, one token per decoding sequence, exact KV accounting),
/// and for requests submitted with keys, the prefix cache's: a hit holds exactly the KV the sequence
/// would have computed, and no shared block is written.
struct SimulatedExecutor {
    /// The executor's own record of a request, kept without looking at the scheduler's state.
    struct Request {
        let promptLength: Int
        let maxTokens: Int
        /// Prompt keys, then one per sampled token; nil: submitted without keys.
        var keys: [UInt64]?
        var generated = 0
        /// Items fed so far, by the plans this executor ran.
        var fed = 0
        var slot: Int?
        var known: Int { promptLength + generated }
    }

    enum Retirement { case finish, cancel }

    private(set) var scheduler: Scheduler
    private(set) var pool: SlotTables
    /// Prompt positions that prefilling skipped thanks to a cache hit, over all admissions.
    private(set) var positionsFromCache = 0
    /// Requests queued and not yet retired.
    private(set) var live: [RequestID: Request] = [:]
    /// Tokens each finished request produced.
    private(set) var finished: [RequestID: Int] = [:]
    /// The keys (prompt and answer) of each finished request submitted with keys.
    private(set) var finishedKeys: [RequestID: [UInt64]] = [:]
    private(set) var cancelled: Set<RequestID> = []
    private(set) var steps = 0
    var itemsFed = 0
    /// While set, requests that reach `maxTokens` are not finished: the scheduler must plan around
    /// exhausted sequences until a step runs with it cleared.
    var finishesLate = false
    private var exhausted: [RequestID] = []

    init(_ config: SchedulerConfig, stepCost: StepCost? = nil) {
        scheduler = Scheduler(config: config)
        if let stepCost { scheduler.stepCost = stepCost }
        pool = SlotTables(config)
    }

    var config: SchedulerConfig { scheduler.config }
    var isIdle: Bool { live.isEmpty }

    mutating func submit(_ id: RequestID, promptLength: Int, maxTokens: Int) -> SubmitResult {
        let result = scheduler.submit(id: id, promptLength: promptLength, maxTokens: maxTokens)
        if result == .queued { live[id] = Request(promptLength: promptLength, maxTokens: maxTokens) }
        return result
    }

    /// Submits a request whose images take `imageSeconds` of vision work, encoded in arrival order
    /// out of the steps' `visionSeconds`.
    mutating func submit(_ id: RequestID, promptLength: Int, maxTokens: Int, imageSeconds: Double) -> SubmitResult {
        let result = scheduler.submit(id: id, promptLength: promptLength, maxTokens: maxTokens, awaitingImages: true)
        if result == .queued {
            live[id] = Request(promptLength: promptLength, maxTokens: maxTokens)
            visionQueue.append((id, imageSeconds))
        }
        return result
    }

    /// Requests whose images are not encoded yet, and the vision seconds each still needs.
    private(set) var visionQueue: [(id: RequestID, seconds: Double)] = []
    /// Requests whose images were encoded, with the step that finished them.
    private(set) var imagesDoneAt: [RequestID: Int] = [:]

    /// Submits a request whose prompt items have these keys, for the prefix cache.
    mutating func submit(_ id: RequestID, keys: [UInt64], maxTokens: Int) -> SubmitResult {
        let result = scheduler.submit(id: id, promptLength: keys.count, maxTokens: maxTokens, keys: keys)
        if result == .queued { live[id] = Request(promptLength: keys.count, maxTokens: maxTokens, keys: keys) }
        return result
    }

    /// Retires a request and applies the returned actions at once; returns them.
    @discardableResult
    mutating func retire(_ id: RequestID, _ how: Retirement) -> [KVAction] {
        let actions = how == .cancel ? scheduler.cancel(id) : scheduler.finish(id)
        visionQueue.removeAll { $0.id == id }
        guard let request = live.removeValue(forKey: id) else {
            #expect(actions.isEmpty, "retiring unknown \(id) must do nothing")
            return actions
        }
        #expect(actions == (request.slot.map { [.release(slot: $0)] } ?? []), "\(id) must free its slot at once")
        apply(actions)
        if let slot = request.slot { #expect(pool.blocks(inSlot: slot) == 0) }
        switch how {
        case .finish:
            finished[id] = request.generated
            finishedKeys[id] = request.keys
        case .cancel: cancelled.insert(id)
        }
        checkAccounting()
        return actions
    }

    /// One iteration of the worker's loop.
    @discardableResult
    mutating func step() -> StepPlan {
        let decoding = scheduler.running.filter { scheduler.state(of: $0)?.phase == .decoding }
        let plan = scheduler.planStep()
        steps += 1
        itemsFed += plan.tokenCount
        apply(plan.kvActions)
        for id in plan.preempted {
            live[id]?.fed = 0
            live[id]?.slot = nil
        }
        for admission in plan.admitted {
            #expect(live[admission.id]?.slot == nil, "\(admission.id) admitted twice")
            live[admission.id]?.slot = admission.slot
            admit(admission, plan: plan)
        }
        check(plan, decoding: decoding)
        checkAccounting()
        encodeImages(for: plan.visionSeconds)

        let sampled = plan.entries.filter(\.wantsLogits).map(\.id)
        let tokens = sampled.map { (id: $0, token: Self.token(after: live[$0]?.keys)) }
        apply(scheduler.completeStep(sampled: tokens))
        for (id, token) in tokens { sample(id, token: token) }
        if !finishesLate {
            for id in exhausted { retire(id, .finish) }
            exhausted = []
        }
        return plan
    }

    /// Spends a step's vision seconds on the oldest images first, as the executor's encoder does.
    private mutating func encodeImages(for seconds: Double) {
        #expect(seconds == 0 || !visionQueue.isEmpty, "vision planned with no image waiting")
        var left = seconds
        while left > 0, !visionQueue.isEmpty {
            let spent = min(left, visionQueue[0].seconds)
            visionQueue[0].seconds -= spent
            left -= spent
            if visionQueue[0].seconds <= 1e-12 {
                let id = visionQueue.removeFirst().id
                scheduler.imagesEncoded(id)
                imagesDoneAt[id] = steps
            }
        }
    }

    /// Steps until every request is retired; false if `maxSteps` pass first.
    mutating func runUntilIdle(maxSteps: Int) -> Bool {
        for _ in 0..<maxSteps where !isIdle { step() }
        return isIdle
    }

    // MARK: Checks

    private mutating func apply(_ actions: [KVAction]) {
        for action in actions {
            let applied = pool.apply(action)
            #expect(applied, "KV action \(action) failed")
        }
    }

    private mutating func check(_ plan: StepPlan, decoding: [RequestID]) {
        #expect(plan.tokenCount <= config.maxBatchTokens, "step over the token budget")
        #expect(Set(plan.entries.map(\.id)).count == plan.entries.count, "a sequence fed twice in one step")
        for id in decoding where !plan.preempted.contains(id) {
            let fed = plan.entries.filter { $0.id == id }
            #expect(fed.count == 1 && fed.first?.items.count == 1 && fed.first?.wantsLogits == true,
                    "decoding \(id) must get exactly its one token")
        }
        for entry in plan.entries {
            guard let request = live[entry.id] else {
                Issue.record("retired \(entry.id) appears in a plan")
                continue
            }
            #expect(request.generated < request.maxTokens, "\(entry.id) fed after its last token")
            #expect(entry.items.count >= 1 && entry.items.count <= config.prefillChunk)
            #expect(entry.slot == request.slot)
            #expect(entry.items.lowerBound == request.fed, "\(entry.id) must resume where it stopped")
            #expect(entry.items.upperBound <= request.known)
            #expect(entry.wantsLogits == (entry.items.upperBound == request.known))
            #expect(pool.blocks(inSlot: entry.slot) * config.kv.blockSize >= entry.items.upperBound)
            let keys = request.keys ?? (0..<request.known).map { UInt64($0) | UInt64(entry.id.rawValue) << 32 }
            let unshared = pool.write(slot: entry.slot, items: entry.items, keys: keys)
            #expect(unshared, "\(entry.id) wrote a shared block")
            live[entry.id]?.fed = entry.items.upperBound
        }
    }

    /// A sequence admitted with a hit starts after it: the blocks it took (shared whole ones, and a
    /// copy of a partial one) must hold its own prefix.
    private mutating func admit(_ admission: Admission, plan: StepPlan) {
        // Where its first entry starts, or, if the step had no room to feed it, all it computed so far.
        guard let request = live[admission.id],
            let hit = plan.entries.first(where: { $0.id == admission.id })?.items.lowerBound ?? scheduler.state(of: admission.id)?.computed
        else { return }
        guard hit > 0 else { return }
        #expect(request.keys != nil, "\(admission.id) found cached blocks without keys")
        #expect(hit < request.known, "a hit stops short of the last item")
        #expect(pool.holds(slot: admission.slot, count: hit, keys: request.keys ?? []), "\(admission.id) was given blocks of another prefix")
        positionsFromCache += hit
        live[admission.id]?.fed = hit
    }

    /// The scheduler's block count against the pool's tables and against a recount from what was fed.
    private func checkAccounting() {
        #expect(scheduler.pool.isConsistent, "the block pool's counts disagree")
        #expect(pool.used <= pool.blockCount)
        #expect(scheduler.blocksUsed == pool.used)
        for (slot, table) in pool.tables {
            #expect(table.count == config.kv.blocks(forTokens: live.values.first { $0.slot == slot }?.fed ?? -1))
            for block in Set(table) { #expect(scheduler.pool.references(block) == pool.holders(block)) }
        }
        for (id, request) in live {
            let held = request.slot.map { pool.blocks(inSlot: $0) } ?? 0
            #expect(scheduler.state(of: id)?.blocksHeld == held)
        }
        #expect(scheduler.runningCount + scheduler.waitingCount == live.count)
    }

    /// A token that depends on what came before, so that equal prefixes sample alike (as greedy does).
    static func token(after keys: [UInt64]?) -> Int32 {
        Int32(truncatingIfNeeded: SlotTables.prefixHash((keys ?? [])[...]) % 7)
    }

    private mutating func sample(_ id: RequestID, token: Int32) {
        guard let request = live[id] else { return }
        #expect(request.generated < request.maxTokens, "\(id) sampled past maxTokens")
        live[id]?.generated += 1
        live[id]?.keys?.append(ItemKey.token(token))
        #expect(scheduler.state(of: id)?.generated == request.generated + 1)
        guard request.generated + 1 == request.maxTokens else { return }
        exhausted.append(id)
    }
}

extension SimulatedExecutor {
    /// Submits requests that must be queued.
    mutating func submitAll(_ requests: [(id: RequestID, promptLength: Int, maxTokens: Int)]) throws {
        for request in requests {
            let result = submit(request.id, promptLength: request.promptLength, maxTokens: request.maxTokens)
            guard result == .queued else { throw UnexpectedRefusal(id: request.id, result: result) }
        }
    }
}

struct UnexpectedRefusal: Error {
    let id: RequestID
    let result: SubmitResult
}
