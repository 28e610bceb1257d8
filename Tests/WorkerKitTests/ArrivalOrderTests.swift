import Testing
import WorkerKit

@Suite struct ArrivalOrderTests {
    @Test func admitsInArrivalOrder() throws {
        var executor = SimulatedExecutor(try .testing(maxRunning: 2))
        let ids = (1...6).map { RequestID($0) }
        try executor.submitAll(ids.map { ($0, 30, 3 + Int($0.rawValue % 3)) })
        var admitted: [RequestID] = []
        while !executor.isIdle && executor.steps < 100 {
            admitted += executor.step().admitted.map(\.id)
        }
        #expect(admitted == ids)
        #expect(executor.scheduler.preemptionCount == 0)
    }

    @Test func preemptedSequenceGoesBackToTheFront() throws {
        // 6 blocks of 4 positions. A and B (8 items, 12 tokens, 5 blocks each) start together and fill
        // the pool; C waits for a slot. When A needs a fifth block, B, the newest, gives way. Nobody
        // may pass a waiting sequence here.
        var executor = SimulatedExecutor(try .testing(
            maxRunning: 2, maxBatchTokens: 16, prefillChunk: 8, kvBlockCount: 6, kvBlockSize: 4, passLimit: 0))
        let (a, b, c): (RequestID, RequestID, RequestID) = (1, 2, 3)
        try executor.submitAll([(a, 8, 12), (b, 8, 12), (c, 4, 4)])

        var admitted: [RequestID] = []
        var sawPreemption = false
        while !executor.isIdle && executor.steps < 200 {
            let plan = executor.step()
            admitted += plan.admitted.map(\.id)
            if plan.preempted == [b] && !sawPreemption {
                sawPreemption = true
                #expect(executor.scheduler.waiting == [b, c])
                #expect(executor.scheduler.state(of: b)?.computed == 0)
                #expect(executor.scheduler.state(of: b)?.generated ?? 0 > 0, "B had tokens to recompute")
            }
        }
        // B may be preempted more than once (readmitted with room for its first chunk only), but it
        // is always readmitted before C, which arrived after it.
        #expect(sawPreemption)
        #expect(Array(admitted.prefix(3)) == [a, b, b] && admitted.last == c)
        #expect(admitted.count(where: { $0 == b }) == 1 + executor.scheduler.preemptionCount)
        #expect(executor.finished == [a: 12, b: 12, c: 4])
    }
}
