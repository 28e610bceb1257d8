import Testing
import WorkerKit

@Suite struct CancellationTests {
    @Test func cancellingARunningSequenceFreesItsBlocksInTheSameCall() throws {
        var executor = SimulatedExecutor(try .testing(maxRunning: 2, prefillChunk: 32))
        try executor.submitAll([(1, 100, 50), (2, 20, 50), (3, 20, 50)])
        for _ in 0..<5 { executor.step() }

        let state = try #require(executor.scheduler.state(of: 1))
        let slot = try #require(state.slot)
        #expect(state.blocksHeld > 0)
        let usedBefore = executor.scheduler.blocksUsed

        let actions = executor.retire(1, .cancel)
        #expect(actions == [.release(slot: slot)])
        #expect(executor.scheduler.blocksUsed == usedBefore - state.blocksHeld)
        #expect(executor.pool.blocks(inSlot: slot) == 0)
        #expect(executor.scheduler.state(of: 1) == nil)
        #expect(!executor.scheduler.running.contains(1))
        let again = executor.retire(1, .cancel)
        #expect(again.isEmpty, "a second cancel does nothing")

        let plans = (0..<100).map { _ in executor.step() }
        let mentioned = plans.flatMap { $0.entries.map(\.id) + $0.admitted.map(\.id) + $0.preempted }
        #expect(!mentioned.contains(1))
        #expect(plans.contains { plan in plan.admitted.contains { $0.id == 3 && $0.slot == slot } },
                "the freed slot serves the next in line")
    }

    @Test func cancellingAWaitingSequenceRemovesItFromTheQueue() throws {
        var executor = SimulatedExecutor(try .testing(maxRunning: 1))
        try executor.submitAll([(1, 10, 5), (2, 10, 5), (3, 10, 5)])
        executor.step()
        #expect(executor.scheduler.waiting == [2, 3])

        let actions = executor.retire(2, .cancel)
        #expect(actions.isEmpty)
        #expect(executor.scheduler.waiting == [3])
        var plans: [StepPlan] = []
        while !executor.isIdle && plans.count < 100 { plans.append(executor.step()) }
        #expect(executor.isIdle)
        #expect(!plans.contains { plan in plan.entries.contains { $0.id == 2 } })
        #expect(executor.finished == [1: 5, 3: 5])
        #expect(executor.cancelled == [2])
    }

    @Test func finishingEarlyFreesTheSlotAndUnknownIdsAreIgnored() throws {
        var executor = SimulatedExecutor(try .testing(maxRunning: 2))
        try executor.submitAll([(1, 10, 50), (2, 10, 50)])
        for _ in 0..<3 { executor.step() }
        let slot = try #require(executor.scheduler.state(of: 2)?.slot)

        let actions = executor.retire(2, .finish)
        #expect(actions == [.release(slot: slot)])
        #expect(executor.finished[2] == 3, "one token from the prefill, one from each decode")
        #expect(executor.scheduler.runningCount == 1)
        let unknown = executor.retire(99, .finish) + executor.retire(99, .cancel)
        #expect(unknown.isEmpty)
    }
}
