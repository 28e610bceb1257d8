import Engine
import Foundation
import Testing
import TestSupport
@testable import WorkerKit

/// The prompt's log-probabilities (`SamplerSettings.promptLogprobs`), on the real default model:
/// one entry per prompt token, chunk by chunk before the first generated token, out of the prefix
/// cache, the same whatever runs beside, and what the model says of that token at that position.
@Suite(.serialized, .requires(.smolLM2))
struct PromptLogprobsExecutorTests {
    struct Run {
        var events: [[TokenLogprobs]] = []
        var firstDeltaAfter = 0
        var tokens: [Int32] = []
        var cached = -1
    }

    static let text = String(repeating: "A lighthouse keeper counts the ships that pass at night. ", count: 10)

    static func asking(_ id: UInt64, _ prompt: [Int32], top: Int = 3) -> BatchExecutor.Request {
        var request = PrefixCacheExecutorTests.request(id, prompt, maxTokens: 2)
        request.sampling.logprobs = top
        request.sampling.promptLogprobs = true
        return request
    }

    /// Runs `requests` together to their ends; what `watched` received.
    static func run(_ executor: BatchExecutor, _ requests: [BatchExecutor.Request], watched: RequestID) throws -> Run {
        var run = Run()
        for request in requests { #expect(executor.submit(request) == nil) }
        var finished = 0
        for _ in 0..<10_000 where finished < requests.count {
            for event in executor.step() {
                switch event {
                case .promptLogprobs(let id, let entries) where id == watched:
                    #expect(run.tokens.isEmpty, "prompt entries come before the first token")
                    run.events.append(entries)
                case .delta(let id, _, let t, _, _) where id == watched:
                    if run.tokens.isEmpty { run.firstDeltaAfter = run.events.count }
                    run.tokens += t
                case .finished(let id, _, let usage, _):
                    if id == watched { run.cached = usage.cachedTokens }
                    finished += 1
                case .refused(let id, let why): Issue.record("\(id) refused: \(why)")
                case .failed(let id, let why): Issue.record("\(id) failed: \(why)")
                default: break
                }
            }
        }
        try #require(finished == requests.count)
        return run
    }

    @Test func everyPromptTokenOnceChunkByChunkOutOfTheCache() throws {
        let executor = try PrefixCacheExecutorTests.executor(prefixCaching: true)
        let prompt = try PrefixCacheExecutorTests.encode(Self.text)
        try #require(prompt.count > 100)
        // The same prompt first, so that the cache holds it.
        _ = try Self.run(executor, [PrefixCacheExecutorTests.request(1, prompt, maxTokens: 1)], watched: RequestID(1))
        let run = try Self.run(executor, [Self.asking(2, prompt)], watched: RequestID(2))
        let entries = run.events.flatMap { $0 }
        #expect(run.cached == 0, "a request asking for its prompt's log-probabilities computes the whole prompt")
        #expect(run.events.count > 2, "one event per prefill chunk of 48, not one at the end")
        #expect(run.events.allSatisfy { $0.count <= 49 }, "a chunk's 48 positions, and the first token in the first")
        #expect(run.firstDeltaAfter == run.events.count)
        #expect(entries.map(\.token) == prompt)
        #expect(entries.first == TokenLogprobs(token: prompt[0], logprob: 0, top: []))
        for entry in entries.dropFirst() {
            #expect(entry.top.count == 3)
            #expect(entry.logprob <= 0)
            #expect(zip(entry.top, entry.top.dropFirst()).allSatisfy { $0.logprob >= $1.logprob })
            if let same = entry.top.first(where: { $0.token == entry.token }) { #expect(same.logprob == entry.logprob) }
        }
    }

    /// The entries are the same alone and beside other sequences (batch invariance), and the last
    /// one is the log-softmax, in Double, of the logits the model gives after the rest of the prompt.
    @Test func theSameBesideNeighboursAndWhatTheModelSays() throws {
        let prompt = try PrefixCacheExecutorTests.encode(Self.text)
        let alone = try Self.run(try PrefixCacheExecutorTests.executor(prefixCaching: false), [Self.asking(1, prompt)], watched: RequestID(1))
        let neighbours = try ["Count to ten.", "Name a colour, then another one, then a third."].enumerated().map { i, text in
            PrefixCacheExecutorTests.request(UInt64(10 + i), try PrefixCacheExecutorTests.encode(text), seed: 3, maxTokens: 6)
        }
        let crowded = try Self.run(
            try PrefixCacheExecutorTests.executor(prefixCaching: false), [neighbours[0], Self.asking(1, prompt), neighbours[1]],
            watched: RequestID(1))
        #expect(alone.events.flatMap { $0 } == crowded.events.flatMap { $0 })
        #expect(alone.tokens == crowded.tokens)

        let executor = try PrefixCacheExecutorTests.executor(prefixCaching: false)
        var row: [Float] = []
        executor.observeLogits = { _, logits in if row.isEmpty { row = Array(logits) } }
        _ = try Self.run(executor, [PrefixCacheExecutorTests.request(5, Array(prompt.dropLast()), maxTokens: 1)], watched: RequestID(5))
        let maxLogit = Double(row.max()!)
        let logZ = maxLogit + log(row.reduce(0.0) { $0 + exp(Double($1) - maxLogit) })
        let last = try #require(alone.events.last?.last)
        #expect(abs(Double(last.logprob) - (Double(row[Int(prompt.last!)]) - logZ)) < 1e-5)
    }
}
