import Testing
import WorkerKit

/// Steps sized by what they cost, not by their items: attention over a long context makes a chunk
/// costly, so chunks shrink as a prompt grows, and a short prompt beside it starts at once.
@Suite struct StepBudgetTests {
    /// 0.1 ms per item, 1 ms per logits row, 0.2 µs per attended position: a 512-item chunk takes
    /// 0.05 s at position 0 and 0.7 s at position 6,000.
    static let cost = StepCost(perItem: 1e-4, perLogitRow: 1e-3, perAttendedPosition: 2e-7)
    static let target = 0.1

    static func config(passLimit: Int? = nil) throws -> SchedulerConfig {
        try .testing(maxRunning: 10, maxBatchTokens: 520, prefillChunk: 512, kvBlockCount: 1200, contextLength: 16384,
                     stepTarget: target, passLimit: passLimit)
    }

    static func cost(of plan: StepPlan) -> Double {
        plan.entries.reduce(0) { $0 + cost.of(count: $1.items.count, after: $1.items.lowerBound, logits: $1.wantsLogits) }
    }

    /// Eight streams decode while an 8,000-item prompt is prefilled; a 10-item prompt arrives when it
    /// is past position 5,000. Every step stays within the target, every stream gets its token every
    /// step, and the newcomer's logits come in the first step after it arrived.
    @Test func chunksShrinkWithTheContextAndANewcomerStartsAtOnce() throws {
        var executor = SimulatedExecutor(try Self.config(), stepCost: Self.cost)
        let streams = (1...8).map { RequestID($0) }
        try executor.submitAll(streams.map { ($0, 10, 2000) })
        for _ in 0..<5 { executor.step() }
        #expect(streams.allSatisfy { executor.scheduler.state(of: $0)?.phase == .decoding })

        let long: RequestID = 100, short: RequestID = 200
        try executor.submitAll([(long, 8000, 4)])
        var chunks: [(start: Int, count: Int)] = []
        var newcomerWaited: Int?
        var stepsSinceNewcomer = 0
        for _ in 0..<400 where executor.scheduler.state(of: long)?.phase == .prefilling || chunks.isEmpty {
            if newcomerWaited == nil, executor.scheduler.state(of: short) == nil, (chunks.last?.start ?? 0) > 5000 {
                try executor.submitAll([(short, 10, 4)])
            }
            let plan = executor.step()
            for stream in streams {
                #expect(plan.entries.filter { $0.id == stream }.map(\.items.count) == [1])
            }
            let longEntry = plan.entries.first { $0.id == long }
            if let longEntry { chunks.append((longEntry.items.lowerBound, longEntry.items.count)) }
            #expect(Self.cost(of: plan) <= Self.target, "a step of \(Self.cost(of: plan)) s")
            if executor.scheduler.state(of: short) != nil || executor.finished[short] != nil {
                stepsSinceNewcomer += 1
                if newcomerWaited == nil, plan.entries.contains(where: { $0.id == short && $0.wantsLogits }) {
                    newcomerWaited = stepsSinceNewcomer
                }
            }
        }
        #expect(chunks.reduce(0) { $0 + $1.count } == 8000)
        #expect(newcomerWaited == 1)
        // Early chunks are large, late ones small: attention, not the items, bounds them.
        let early = chunks.first { $0.start == 0 }?.count ?? 0
        let late = chunks.last { $0.start > 6000 }?.count ?? 0
        #expect(early > 4 * late, "chunks \(early) at 0, \(late) past 6000")
    }

    /// Thirty-two streams whose decodes alone take more than the target: the oldest prefill still
    /// gets a quarter of the target's time every step.
    @Test func theOldestPrefillAdvancesWhenDecodesTakeTheWholeStep() throws {
        let config = try SchedulerConfig.testing(
            maxRunning: 33, maxBatchTokens: 33 + 512, prefillChunk: 512, kvBlockCount: 1200, contextLength: 16384,
            stepTarget: Self.target)
        var executor = SimulatedExecutor(config, stepCost: StepCost(perItem: 4e-3, perLogitRow: 0, perAttendedPosition: 0))
        let streams = (1...32).map { RequestID($0) }
        try executor.submitAll(streams.map { ($0, 4, 100) })
        for _ in 0..<20 { executor.step() }
        #expect(streams.allSatisfy { executor.scheduler.state(of: $0)?.phase == .decoding })
        try executor.submitAll([(100, 1000, 4)])
        for _ in 0..<5 {
            let plan = executor.step()
            // 32 decodes take 0.128 s; the prompt's share is 0.025 s: 6 items.
            #expect(plan.entries.first { $0.id == 100 }?.items.count == 6)
        }
    }

    /// Without a cost model every step fits: chunks are bounded by items alone, as before.
    @Test func aZeroCostModelLeavesTheItemBudget() throws {
        var executor = SimulatedExecutor(try Self.config())
        try executor.submitAll([(1, 2000, 4)])
        let plan = executor.step()
        #expect(plan.entries.map(\.items) == [0..<512])
    }
}

/// Admission when the KV pool cannot hold the head of the queue.
@Suite struct AdmissionFairnessTests {
    /// The pool holds one of three 1,500-item prompts at a time; a 4-item request behind them is admitted at
    /// once rather than after them.
    @Test func aShortRequestPassesLongOnesThePoolCannotHoldYet() throws {
        var executor = SimulatedExecutor(try .testing(
            maxRunning: 4, maxBatchTokens: 520, prefillChunk: 512, kvBlockCount: 140, contextLength: 4096))
        try executor.submitAll([(1, 1500, 8), (2, 1500, 8), (3, 1500, 8), (4, 4, 4)])
        let first = executor.step()
        #expect(first.admitted.map(\.id) == [1, 4])
        #expect(executor.scheduler.waiting == [2, 3])
        let idle = executor.runUntilIdle(maxSteps: 2000)
        #expect(idle)
        #expect(executor.finished == [1: 8, 2: 8, 3: 8, 4: 4])
    }

    /// Short requests arriving every step may pass a waiting long one only `passLimit` times; then
    /// they wait behind it, and it runs once the pool has room.
    @Test(arguments: [0, 3, 8])
    func passingIsBounded(passLimit: Int) throws {
        var executor = SimulatedExecutor(try .testing(
            maxRunning: 6, maxBatchTokens: 520, prefillChunk: 512, kvBlockCount: 140, contextLength: 4096,
            passLimit: passLimit))
        try executor.submitAll([(1, 1500, 40), (2, 1500, 8)])
        var passedLong = 0
        var next: UInt64 = 100
        for _ in 0..<3000 where !executor.isIdle {
            if next < 160 {
                try executor.submitAll([(RequestID(next), 4, 30)])
                next += 1
            }
            let plan = executor.step()
            if executor.scheduler.waiting.contains(2) { passedLong += plan.admitted.filter { $0.id.rawValue >= 100 }.count }
        }
        #expect(executor.isIdle)
        #expect(passedLong == passLimit)
    }
}
