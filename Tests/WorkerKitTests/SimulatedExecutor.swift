import Testing
import WorkerKit

/// A fake executor around a real `Scheduler`: applies every plan's KV actions to an independent
/// `BlockPool`, checks every entry against its own record of each sequence, "samples" one token per
/// logits entry and finishes a sequence when it reaches `maxTokens`. Every step it checks the
/// scheduler's promises (budget, chunk bound, one token per decoding sequence, exact KV accounting).
struct SimulatedExecutor {
    /// The executor's own record of a request, kept without looking at the scheduler's state.
    struct Request {
        let promptLength: Int
        let maxTokens: Int
        var generated = 0
        /// Items fed so far, by the plans this executor ran.
        var fed = 0
        var slot: Int?
        var known: Int { promptLength + generated }
    }

    enum Retirement { case finish, cancel }

    private(set) var scheduler: Scheduler
    private(set) var pool: BlockPool
    /// Requests queued and not yet retired.
    private(set) var live: [RequestID: Request] = [:]
    /// Tokens each finished request produced.
    private(set) var finished: [RequestID: Int] = [:]
    private(set) var cancelled: Set<RequestID> = []
    private(set) var steps = 0
    var itemsFed = 0
    /// While set, requests that reach `maxTokens` are not finished: the scheduler must plan around
    /// exhausted sequences until a step runs with it cleared.
    var finishesLate = false
    private var exhausted: [RequestID] = []

    init(_ config: SchedulerConfig) {
        scheduler = Scheduler(config: config)
        pool = BlockPool(config)
    }

    var config: SchedulerConfig { scheduler.config }
    var isIdle: Bool { live.isEmpty }

    mutating func submit(_ id: RequestID, promptLength: Int, maxTokens: Int) -> SubmitResult {
        let result = scheduler.submit(id: id, promptLength: promptLength, maxTokens: maxTokens)
        if result == .queued { live[id] = Request(promptLength: promptLength, maxTokens: maxTokens) }
        return result
    }

    /// Retires a request and applies the returned actions at once; returns them.
    @discardableResult
    mutating func retire(_ id: RequestID, _ how: Retirement) -> [KVAction] {
        let actions = how == .cancel ? scheduler.cancel(id) : scheduler.finish(id)
        guard let request = live.removeValue(forKey: id) else {
            #expect(actions.isEmpty, "retiring unknown \(id) must do nothing")
            return actions
        }
        #expect(actions == (request.slot.map { [.release(slot: $0)] } ?? []), "\(id) must free its slot at once")
        apply(actions)
        if let slot = request.slot { #expect(pool.blocks(inSlot: slot) == 0) }
        switch how {
        case .finish: finished[id] = request.generated
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
        }
        check(plan, decoding: decoding)
        checkAccounting()

        let sampled = plan.entries.filter(\.wantsLogits).map(\.id)
        scheduler.completeStep(sampled: sampled)
        for id in sampled { sample(id) }
        if !finishesLate {
            for id in exhausted { retire(id, .finish) }
            exhausted = []
        }
        return plan
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
            live[entry.id]?.fed = entry.items.upperBound
        }
    }

    /// The scheduler's block count against the pool's tables and against a recount from what was fed.
    private func checkAccounting() {
        #expect(pool.isConsistent, "a block is lost or used twice")
        #expect(pool.used <= pool.blockCount)
        #expect(scheduler.blocksUsed == pool.used)
        let recount = live.values.reduce(0) { $0 + config.kv.blocks(forTokens: $1.fed) }
        #expect(recount == pool.used)
        for (id, request) in live {
            let held = request.slot.map { pool.blocks(inSlot: $0) } ?? 0
            #expect(scheduler.state(of: id)?.blocksHeld == held)
        }
        #expect(scheduler.runningCount + scheduler.waitingCount == live.count)
    }

    private mutating func sample(_ id: RequestID) {
        guard let request = live[id] else { return }
        #expect(request.generated < request.maxTokens, "\(id) sampled past maxTokens")
        live[id]?.generated += 1
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
