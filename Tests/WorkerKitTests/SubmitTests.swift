import Engine
import Testing
import WorkerKit

@Suite struct SubmitTests {
    @Test func refusesWhatCanNeverRun() throws {
        // The pool holds 10 × 16 = 160 positions; the context 256.
        var scheduler = Scheduler(config: try .testing(kvBlockCount: 10, kvBlockSize: 16, contextLength: 256))
        #expect(scheduler.submit(id: 1, promptLength: 0, maxTokens: 10) == .refused(.emptyPrompt))
        #expect(scheduler.submit(id: 2, promptLength: 10, maxTokens: 0) == .refused(.noTokensRequested))
        #expect(scheduler.submit(id: 3, promptLength: 200, maxTokens: 57)
            == .refused(.exceedsContext(needed: 257, contextLength: 256)))
        #expect(scheduler.submit(id: 4, promptLength: 1, maxTokens: .max)
            == .refused(.exceedsContext(needed: .max, contextLength: 256)))
        #expect(scheduler.submit(id: 5, promptLength: 100, maxTokens: 62)
            == .refused(.exceedsKVPool(neededBlocks: 11, blockCount: 10)))
        #expect(scheduler.waitingCount == 0)
    }

    @Test func acceptsWhatFitsExactly() throws {
        var scheduler = Scheduler(config: try .testing(kvBlockCount: 10, kvBlockSize: 16, contextLength: 256))
        // 100 + 61 - 1 = 160 positions: the whole pool, since the last token is never fed.
        #expect(scheduler.submit(id: 1, promptLength: 100, maxTokens: 61) == .queued)
        #expect(scheduler.submit(id: 1, promptLength: 5, maxTokens: 5) == .refused(.duplicateID))
        var roomy = Scheduler(config: try .testing(contextLength: 256))
        #expect(roomy.submit(id: 2, promptLength: 200, maxTokens: 56) == .queued)
        #expect(scheduler.waiting == [1] && roomy.waiting == [2])
    }

    @Test func refusesConfigurationsItCannotHonour() {
        #expect(throws: KVLayoutError.notPositive("block size", 0)) {
            try SchedulerConfig.testing(kvBlockSize: 0)
        }
        #expect(throws: SchedulerConfigError.notPositive(setting: "prefillChunk")) {
            try SchedulerConfig.testing(prefillChunk: -1)
        }
        #expect(throws: SchedulerConfigError.budgetBelowMaxRunning) {
            try SchedulerConfig.testing(maxRunning: 8, maxBatchTokens: 7)
        }
    }

    @Test func nothingToDoIsAnEmptyPlan() throws {
        var scheduler = Scheduler(config: try .testing())
        let plan = scheduler.planStep()
        #expect(plan.isEmpty && plan.admitted.isEmpty && plan.tokenCount == 0)
    }
}
