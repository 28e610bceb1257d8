import Engine
import Testing
import TestSupport
import WorkerKit

@Suite struct RandomizedSimulationTests {
    /// Thousands of steps of random arrivals, lengths, cancels and early finishes; the executor checks
    /// every invariant each step. Then arrivals stop and everything must drain.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func invariantsHoldAndNothingIsLost(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let config = try SchedulerConfig.testing(
            maxRunning: 6, maxBatchTokens: 48, prefillChunk: 16, kvBlockCount: 48, kvBlockSize: 8,
            contextLength: 256)
        var executor = SimulatedExecutor(config)
        var queued: Set<RequestID> = []
        var refused = 0
        var mostWaiting = 0

        for step in 0..<5000 {
            // Busy spells that build a queue, then quiet ones that let it drain.
            let arrivalRate = (step / 500) % 2 == 0 ? 0.15 : 0.03
            if Double.random(in: 0..<1, using: &random) < arrivalRate {
                let id = RequestID(UInt64(step))
                let prompt = Int.random(in: 0...200, using: &random)
                let maxTokens = Int.random(in: 1...120, using: &random)
                let result = executor.submit(id, promptLength: prompt, maxTokens: maxTokens)
                let fits = prompt > 0 && prompt + maxTokens <= 256
                    && config.kv.blocks(forTokens: prompt + maxTokens - 1) <= 48
                #expect((result == .queued) == fits, "\(prompt) + \(maxTokens): \(result)")
                if result == .queued { queued.insert(id) } else { refused += 1 }
            }
            let live = executor.live.keys.sorted { $0.rawValue < $1.rawValue }
            if let id = live.randomElement(using: &random), Double.random(in: 0..<1, using: &random) < 0.015 {
                executor.retire(id, .cancel)
            }
            let producing = live.filter { (executor.live[$0]?.generated ?? 0) > 0 }
            if let id = producing.randomElement(using: &random), Double.random(in: 0..<1, using: &random) < 0.015 {
                executor.retire(id, .finish)
            }
            executor.finishesLate = Bool.random(using: &random)
            executor.step()
            mostWaiting = max(mostWaiting, executor.scheduler.waitingCount)
        }

        executor.finishesLate = false
        let drained = executor.runUntilIdle(maxSteps: 10_000)
        #expect(drained)
        print("seed \(seed): \(queued.count) queued, \(refused) refused, \(executor.finished.count) finished,",
              "\(executor.cancelled.count) cancelled, \(executor.scheduler.preemptionCount) preemptions,",
              "at most \(mostWaiting) waiting, \(executor.steps) steps, \(executor.itemsFed) items fed")
        let lost = queued.subtracting(executor.finished.keys).subtracting(executor.cancelled)
        #expect(lost.isEmpty, "\(lost.count) requests never finished")
        #expect(executor.finished.keys.allSatisfy { !executor.cancelled.contains($0) })
        #expect(executor.scheduler.blocksUsed == 0 && executor.pool.used == 0)
        // The run must have exercised what it checks.
        #expect(executor.scheduler.preemptionCount > 0)
        #expect(executor.finished.count > 100 && executor.cancelled.count > 10 && refused > 10)
    }

    /// The same churn with the prefix cache on: prompts are drawn from a few shared beginnings plus
    /// random tails; others resend an earlier request's prompt and answer (a chat's next turn), or a
    /// prefix of them (a repeat, or a prompt ending inside a cached block). The
    /// executor checks every hit against its own record of what each block holds, and that no shared
    /// block is written; the pool is small, so cached blocks are evicted all along.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func prefixCacheHitsAreExactAndNothingIsLost(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let config = try SchedulerConfig(
            maxRunning: 6, maxBatchTokens: 48, prefillChunk: 16,
            kv: KVLayout(blockSize: 8, blockCount: 48, bytesPerToken: 1), contextLength: 256, prefixCaching: true)
        var executor = SimulatedExecutor(config)
        let beginnings = (0..<3).map { b in (0..<Int.random(in: 20...90, using: &random)).map { UInt64(b * 1000 + $0) } }
        var history: [[UInt64]] = []
        var queued: Set<RequestID> = []

        for step in 0..<5000 {
            if Double.random(in: 0..<1, using: &random) < 0.08 {
                let id = RequestID(UInt64(step))
                var keys: [UInt64]
                let earlier = history.randomElement(using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0 where earlier != nil:
                    // A prefix of an earlier request's prompt and answer, as it is: a repeat, or a
                    // prompt that ends inside a cached block.
                    keys = Array(earlier!.prefix(Int.random(in: 1...earlier!.count, using: &random)))
                case 1 where earlier != nil:
                    keys = earlier! + (0..<Int.random(in: 1...30, using: &random)).map { _ in UInt64.random(in: 0..<5, using: &random) }
                default:
                    keys = beginnings.randomElement(using: &random)!
                        + (0..<Int.random(in: 1...30, using: &random)).map { _ in UInt64.random(in: 0..<5, using: &random) }
                }
                keys = Array(keys.suffix(200))
                let maxTokens = Int.random(in: 1...40, using: &random)
                if executor.submit(id, keys: keys, maxTokens: maxTokens) == .queued { queued.insert(id) }
            }
            let live = executor.live.keys.sorted { $0.rawValue < $1.rawValue }
            if let id = live.randomElement(using: &random), Double.random(in: 0..<1, using: &random) < 0.01 {
                executor.retire(id, .cancel)
            }
            // Finished requests' prompts and answers come back as the next turn's beginning.
            let before = Set(executor.finished.keys)
            executor.step()
            for id in Set(executor.finished.keys).subtracting(before) {
                if let keys = executor.finishedKeys[id] { history.append(keys) }
            }
            if history.count > 20 { history.removeFirst() }
        }
        let drained = executor.runUntilIdle(maxSteps: 10_000)
        #expect(drained)
        let lost = queued.subtracting(executor.finished.keys).subtracting(executor.cancelled)
        #expect(lost.isEmpty, "\(lost.count) requests never finished")
        #expect(executor.scheduler.blocksUsed == 0 && executor.pool.used == 0)
        let pool = executor.scheduler.pool
        print("seed \(seed): \(queued.count) queued, \(executor.positionsFromCache) positions from the cache,",
              "\(pool.evictions) evictions, \(executor.scheduler.preemptionCount) preemptions, \(executor.itemsFed) items fed")
        #expect(executor.positionsFromCache > 5000 && pool.evictions > 100 && executor.scheduler.preemptionCount > 0)
        #expect(executor.scheduler.hitPositions == executor.positionsFromCache)
    }
}
