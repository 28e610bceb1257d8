import Testing
import WorkerKit

@Suite struct KVPressureTests {
    /// Ten requests, each needing 40% of the pool over its life: the newest are preempted and
    /// recomputed, every one still ends with exactly its tokens, and the loop never sticks.
    @Test func everyRequestCompletesUnderPreemption() throws {
        // 50 blocks of 16; 160 prompt items + 161 tokens = 320 positions = 20 blocks each.
        var executor = SimulatedExecutor(try .testing(
            maxRunning: 8, maxBatchTokens: 128, prefillChunk: 32, kvBlockCount: 50, kvBlockSize: 16))
        let ids = (1...10).map { RequestID($0) }
        try executor.submitAll(ids.map { ($0, 160, 161) })

        let drained = executor.runUntilIdle(maxSteps: 5000)
        #expect(drained)
        for id in ids { #expect(executor.finished[id] == 161, "\(id)") }
        #expect(executor.scheduler.preemptionCount > 0)
        #expect(executor.scheduler.blocksUsed == 0)
        #expect(executor.scheduler.runningCount == 0 && executor.scheduler.waitingCount == 0)
    }

    /// A request that needs every block of the pool runs among others and completes.
    @Test func sequenceThatFillsThePoolAloneStillRuns() throws {
        // 20 blocks of 16 = 320 positions: the whale holds 100 + 221 - 1 = 320 of them at its end.
        var executor = SimulatedExecutor(try .testing(
            maxRunning: 4, maxBatchTokens: 64, prefillChunk: 32, kvBlockCount: 20, kvBlockSize: 16))
        let whale: RequestID = 2
        try executor.submitAll([(1, 40, 60), (whale, 100, 221), (3, 50, 80), (4, 30, 120)])

        let drained = executor.runUntilIdle(maxSteps: 5000)
        #expect(drained)
        #expect(executor.finished == [1: 60, whale: 221, 3: 80, 4: 120])
        #expect(executor.scheduler.preemptionCount > 0)
    }

    /// A sequence that generated its `maxTokens` is fed no more and is never requeued (a requeued one
    /// would be recomputed and sampled past its end), even when the pool is short; it keeps its blocks
    /// until the executor finishes it.
    @Test func exhaustedSequenceWaitsForFinishWithoutBeingFedOrRequeued() throws {
        // 4 blocks of 4. A grows to 15 positions; B (4 items, 1 token) is exhausted after one step.
        var executor = SimulatedExecutor(try .testing(
            maxRunning: 2, maxBatchTokens: 16, prefillChunk: 8, kvBlockCount: 4, kvBlockSize: 4))
        let (a, b): (RequestID, RequestID) = (1, 2)
        try executor.submitAll([(a, 4, 12), (b, 4, 1)])
        executor.finishesLate = true
        let first = executor.step()
        #expect(first.admitted.map(\.id) == [a, b])
        let slot = try #require(executor.scheduler.state(of: b)?.slot)

        for _ in 0..<20 {
            let plan = executor.step()
            #expect(!plan.entries.contains { $0.id == b } && !plan.preempted.contains(b))
            let state = executor.scheduler.state(of: b)
            #expect(state?.phase == .exhausted && state?.slot == slot && state?.blocksHeld == 1)
        }
        executor.finishesLate = false
        let drained = executor.runUntilIdle(maxSteps: 100)
        #expect(drained)
        #expect(executor.finished == [a: 12, b: 1])
    }
}
