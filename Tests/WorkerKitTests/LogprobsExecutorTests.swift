import Engine
import Foundation
import Testing
import TestSupport
@testable import WorkerKit

/// Log-probabilities where the executor samples, on the real default model: each greedy token's is
/// the largest, and equals the log-softmax of its logits row recomputed here in Double.
@Suite(.serialized, .requires(.smolLM2))
struct LogprobsExecutorTests {
    @Test(arguments: [0, 5, 20])
    func greedyTokensCarryTheLogSoftmaxOfTheirLogits(top: Int) throws {
        let executor = try PrefixCacheExecutorTests.executor(prefixCaching: false)
        var request = PrefixCacheExecutorTests.request(1, try PrefixCacheExecutorTests.encode("The capital of France is"), maxTokens: 8)
        request.sampling.logprobs = top
        var rows: [[Float]] = []
        var tokens: [Int32] = []
        var reported: [TokenLogprobs] = []
        executor.observeLogits = { _, row in rows.append(Array(row)) }
        #expect(executor.submit(request) == nil)
        var finished = false
        for _ in 0..<1000 where !finished {
            for event in executor.step() {
                switch event {
                case .delta(_, _, let t, _, let logprobs):
                    #expect(logprobs.count == t.count)
                    tokens += t
                    reported += logprobs
                case .finished: finished = true
                default: Issue.record("\(event)")
                }
            }
        }
        try #require(finished && tokens.count == 8 && rows.count == 8)
        for (step, (entry, row)) in zip(reported, rows).enumerated() {
            #expect(entry.token == tokens[step])
            let maxLogit = Double(row.max()!)
            let logZ = maxLogit + log(row.reduce(0.0) { $0 + exp(Double($1) - maxLogit) })
            let expected = Double(row[Int(entry.token)]) - logZ
            #expect(abs(Double(entry.logprob) - expected) < 1e-5, "step \(step)")
            #expect(entry.top.count == top)
            if let first = entry.top.first {
                #expect(first.token == entry.token)
                #expect(first.logprob == entry.logprob)
            }
            #expect(zip(entry.top, entry.top.dropFirst()).allSatisfy { $0.logprob >= $1.logprob })
            for t in entry.top { #expect(abs(Double(t.logprob) - (Double(row[Int(t.token)]) - logZ)) < 1e-5) }
            // The top `top` of a full sort.
            let sorted = row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }.prefix(top)
            #expect(entry.top.map { Int($0.token) } == Array(sorted))
            #expect(entry.top.reduce(0.0) { $0 + exp(Double($1.logprob)) } <= 1 + 1e-6)
            #expect(entry.logprob <= 0)
        }
    }

    @Test func requestsThatDoNotAskGetNone() throws {
        let executor = try PrefixCacheExecutorTests.executor(prefixCaching: false)
        let request = PrefixCacheExecutorTests.request(1, try PrefixCacheExecutorTests.encode("Hello"), maxTokens: 3)
        #expect(executor.submit(request) == nil)
        var finished = false
        for _ in 0..<1000 where !finished {
            for event in executor.step() {
                if case .delta(_, _, _, _, let logprobs) = event { #expect(logprobs.isEmpty) }
                if case .finished = event { finished = true }
            }
        }
        #expect(finished)
    }
}
