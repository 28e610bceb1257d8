import Engine
import Foundation
import Testing
import TestSupport
@testable import WorkerKit

/// The prefix cache on the real default model: a request served from cached blocks gives the very
/// logits, to the bit, of the same request computed from scratch by an executor without the cache.
@Suite(.serialized, .requires(.smolLM2))
struct PrefixCacheExecutorTests {
    static func executor(prefixCaching: Bool, blocks: Int = 512) throws -> BatchExecutor {
        let (model, tokenizer) = try BatchExecutorTests.load()
        let config = try SchedulerConfig(
            maxRunning: 8, maxBatchTokens: 128, prefillChunk: 48,
            kv: KVLayout(blockCount: blocks, bytesPerToken: KVLayout.bytesPerToken(model.config)), contextLength: 8192,
            prefixCaching: prefixCaching)
        return try BatchExecutor(model: model, tokenizer: tokenizer, config: config)
    }

    /// Everything one request produced: its tokens, every logits row it sampled from, and its usage.
    struct Outcome {
        var tokens: [Int32] = []
        var logits: [[Float]] = []
        var cached = 0
    }

    /// Runs `requests` together to their ends.
    static func run(_ executor: BatchExecutor, _ requests: [BatchExecutor.Request]) throws -> [RequestID: Outcome] {
        var outcomes: [RequestID: Outcome] = [:]
        executor.observeLogits = { id, row in outcomes[id, default: Outcome()].logits.append(Array(row)) }
        defer { executor.observeLogits = nil }
        for r in requests { #expect(executor.submit(r) == nil) }
        var finished = 0
        for _ in 0..<10_000 where finished < requests.count {
            for event in executor.step() {
                switch event {
                case .delta(let id, _, let tokens, _, _): outcomes[id, default: Outcome()].tokens += tokens
                case .finished(let id, _, let usage, _):
                    outcomes[id, default: Outcome()].cached = usage.cachedTokens
                    finished += 1
                case .refused(let id, let why): Issue.record("\(id) refused: \(why)")
                case .failed(let id, let why): Issue.record("\(id) failed: \(why)")
                case .promptLogprobs: break
                }
            }
        }
        try #require(finished == requests.count)
        return outcomes
    }

    static func request(_ id: UInt64, _ prompt: [Int32], seed: UInt64? = nil, maxTokens: Int = 16) -> BatchExecutor.Request {
        var sampling = SamplerSettings()
        if let seed {
            sampling.temperature = 0.8
            sampling.topK = 40
            sampling.seed = seed
        } else {
            sampling.temperature = 0
        }
        return BatchExecutor.Request(id: RequestID(id), prompt: prompt.map(PromptItem.token), sampling: sampling,
                                     stop: StopConditions(maxTokens: maxTokens, ignoreEndOfGeneration: true))
    }

    /// The question added after turn `turn`'s answer.
    static func followUp(_ turn: Int) throws -> [Int32] { try encode(" And then what about turn \(turn + 1)?") }

    static func encode(_ text: String) throws -> [Int32] {
        try BatchExecutorTests.load().1.encode(text, parseSpecial: false)
    }

    /// A conversation of three turns, each resending the last turn's prompt and answer: every
    /// follow-up is served mostly from the cache, beside unrelated neighbours, and its tokens and logits
    /// equal those of a cacheless executor running it alone, bit for bit. Greedy and seeded alike.
    @Test(arguments: [nil, 7] as [UInt64?])
    func followUpTurnsAreBitIdenticalToComputingThemAfresh(seed: UInt64?) throws {
        let cached = try Self.executor(prefixCaching: true)
        let system = try Self.encode(String(repeating: "You are a careful assistant who answers in short sentences. ", count: 12))
        var prompt = system + (try Self.encode("Tell me about the sea."))
        let neighbours = try ["Count to ten.", "Name a colour.", "Say hello."].enumerated().map { i, text in
            Self.request(UInt64(100 + i), try Self.encode(text), maxTokens: 24)
        }
        for turn in 1...3 {
            let id = UInt64(turn)
            let withCache = try Self.run(cached, [Self.request(id, prompt, seed: seed)] + (turn == 2 ? neighbours : []))
            let fresh = try Self.run(try Self.executor(prefixCaching: false), [Self.request(id, prompt, seed: seed)])
            let a = try #require(withCache[RequestID(id)]), b = try #require(fresh[RequestID(id)])
            #expect(a.tokens == b.tokens, "turn \(turn): tokens")
            #expect(a.logits.count == b.logits.count)
            let differing = zip(a.logits, b.logits).enumerated().filter { _, pair in
                pair.0.map(\.bitPattern) != pair.1.map(\.bitPattern)
            }.map(\.offset)
            #expect(differing.isEmpty, "turn \(turn): logits differ at steps \(differing)")
            #expect(b.cached == 0)
            if turn == 1 {
                #expect(a.cached == 0)
            } else {
                // Everything the last turn computed: its prompt and its answer but the last token,
                // whose KV was never needed (a partly filled last block is copied).
                let computedBefore = prompt.count - (try Self.followUp(turn - 1)).count - 1
                #expect(a.cached == computedBefore, "turn \(turn): \(a.cached) cached of \(prompt.count)")
            }
            prompt += a.tokens + (try Self.followUp(turn))
        }
        // Every block is back in the pool (the cache keeps them, evictable), none held.
        #expect(cached.kvBlocksUsed == 0 && cached.scheduler.pool.cachedBlocks > 0)
    }

    /// A pool far too small for every conversation: cached blocks are evicted to admit new work, every
    /// request finishes, and repeats still equal the cacheless answers.
    @Test func evictionUnderPressureLosesNothingAndChangesNothing() throws {
        let small = try Self.executor(prefixCaching: true, blocks: 40)
        let prompts = try (0..<6).map { i in try Self.encode(String(repeating: "Topic \(i) is about things numbered \(i). ", count: 14)) }
        var answers: [Int: [Int32]] = [:]
        for round in 0..<2 {
            for (i, prompt) in prompts.enumerated() {
                let id = UInt64(round * 10 + i)
                let outcome = try #require(try Self.run(small, [Self.request(id, prompt)])[RequestID(id)])
                if let first = answers[i] { #expect(outcome.tokens == first, "prompt \(i) changed on its repeat") }
                answers[i] = outcome.tokens
            }
        }
        let pool = small.scheduler.pool
        #expect(pool.evictions > 0, "the pool must have been too small to keep everything")
        let fresh = try Self.run(try Self.executor(prefixCaching: false), [Self.request(99, prompts[5])])
        #expect(fresh[RequestID(99)]?.tokens == answers[5])
    }

    /// With the cache off, nothing is ever registered or found.
    @Test func offMeansNoHits() throws {
        let off = try Self.executor(prefixCaching: false)
        let prompt = try Self.encode(String(repeating: "The same words again and again. ", count: 10))
        for id in 1...2 as ClosedRange<UInt64> {
            #expect(try Self.run(off, [Self.request(id, prompt, maxTokens: 2)])[RequestID(id)]?.cached == 0)
        }
        #expect(off.scheduler.pool.cachedBlocks == 0 && off.scheduler.hitPositions == 0)
    }
}
