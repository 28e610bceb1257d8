import Testing
import WorkerKit

@Suite struct DecodeFairnessTests {
    /// Eight streams decoding when a 600-item prompt arrives: the prompt is fed in chunks beside them,
    /// and no stream misses a step.
    @Test(arguments: [(chunk: 128, budget: 256), (chunk: 64, budget: 72), (chunk: 200, budget: 150)])
    func longPromptIsChunkedWhileEveryStreamDecodes(chunk: Int, budget: Int) throws {
        var executor = SimulatedExecutor(try .testing(maxRunning: 9, maxBatchTokens: budget, prefillChunk: chunk))
        let streams = (1...8).map { RequestID($0) }
        try executor.submitAll(streams.map { ($0, 10, 1000) })
        for _ in 0..<20 where !streams.allSatisfy({ executor.scheduler.state(of: $0)?.phase == .decoding }) {
            executor.step()
        }
        #expect(streams.allSatisfy { executor.scheduler.state(of: $0)?.phase == .decoding })

        let newcomer: RequestID = 100
        try executor.submitAll([(newcomer, 600, 10)])
        var chunks: [Int] = []
        var stepsToFirstLogits: Int?
        for step in 1...50 where stepsToFirstLogits == nil {
            let plan = executor.step()
            for stream in streams {
                #expect(plan.entries.filter { $0.id == stream }.map(\.items.count) == [1], "step \(step)")
            }
            #expect(plan.tokenCount <= budget)
            for entry in plan.entries where entry.id == newcomer {
                chunks.append(entry.items.count)
                if entry.wantsLogits { stepsToFirstLogits = step }
            }
        }
        let room = min(chunk, budget - streams.count)
        #expect(chunks.allSatisfy { $0 <= chunk })
        #expect(chunks.reduce(0, +) == 600)
        let first = try #require(stepsToFirstLogits)
        #expect(first == chunks.count)
        #expect(first == (600 + room - 1) / room)
        // When the chunk, not the budget, binds: within ⌈600 / chunk⌉ + 1 steps of arrival.
        if room == chunk { #expect(first <= (600 + chunk - 1) / chunk + 1) }
    }
}
