import Engine
import Testing
import WorkerKit

/// The scheduler's side of the prefix cache, step by step.
@Suite struct PrefixCacheSchedulerTests {
    static func config() throws -> SchedulerConfig {
        try SchedulerConfig(
            maxRunning: 2, maxBatchTokens: 16, prefillChunk: 8,
            kv: KVLayout(blockSize: 8, blockCount: 16, bytesPerToken: 1), contextLength: 128, prefixCaching: true)
    }

    /// Items planned but never run (the sequence was cancelled before the forward) are not kept:
    /// only written KV is ever found by a later sequence.
    @Test func aPlanThatNeverRanLeavesNothingInTheCache() throws {
        var scheduler = Scheduler(config: try Self.config())
        let keys = (0..<12).map(UInt64.init)
        _ = scheduler.submit(id: 1, promptLength: 12, maxTokens: 4, keys: keys)
        _ = scheduler.planStep()  // items 0..<8
        scheduler.completeStep(sampled: [])  // they ran: block 0 is cached
        let second = scheduler.planStep()  // items 8..<12, never run
        #expect(second.entries.first?.items == 8..<12)
        _ = scheduler.cancel(1)
        _ = scheduler.submit(id: 2, promptLength: 12, maxTokens: 4, keys: keys)
        let plan = scheduler.planStep()
        #expect(plan.entries.first?.items == 8..<12, "only the written block is a hit")
        #expect(scheduler.state(of: 2)?.cachedPositions == 8)
    }

    /// What ran is kept, to the item: the same prompt again finds the first sequence's written items,
    /// its partly filled block copied.
    @Test func writtenItemsAreFoundToTheItem() throws {
        var scheduler = Scheduler(config: try Self.config())
        let keys = (0..<12).map(UInt64.init)
        _ = scheduler.submit(id: 1, promptLength: 12, maxTokens: 1, keys: keys)
        _ = scheduler.planStep()
        scheduler.completeStep(sampled: [])
        _ = scheduler.planStep()
        scheduler.completeStep(sampled: [(id: 1, token: 5)])
        _ = scheduler.finish(1)
        _ = scheduler.submit(id: 2, promptLength: 12, maxTokens: 4, keys: keys)
        let plan = scheduler.planStep()
        #expect(plan.entries.first?.items == 11..<12, "all but the last item, whose logits are needed")
        #expect(plan.kvActions.contains { if case .copy(_, _, 3) = $0 { true } else { false } })
    }
}
