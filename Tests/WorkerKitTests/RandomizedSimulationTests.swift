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
}
