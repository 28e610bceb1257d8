import Engine
import Foundation
import Testing
import TestSupport
@testable import WorkerKit

/// The executor on the real default model: many requests served together give each the tokens it
/// gets alone (what `loom-worker generate` runs).
@Suite(.serialized, .requires(.smolLM2))
struct BatchExecutorTests {
    static let pool = ComputePool(threads: 2)
    nonisolated(unsafe) private static var loaded: (LlamaModel, Tokenizer)?

    /// Loaded once: the suite's tests run one at a time.
    static func load() throws -> (LlamaModel, Tokenizer) {
        if let loaded { return loaded }
        let gguf = try GGUFFile(path: try #require(DefaultModel.path))
        loaded = (try LlamaModel(gguf: gguf, pool: pool), try Tokenizer(gguf: gguf))
        return loaded!
    }

    static func model() throws -> LlamaModel { try load().0 }

    static func config(blocks: Int = 512) throws -> SchedulerConfig {
        try SchedulerConfig(maxRunning: 16, maxBatchTokens: 256, prefillChunk: 64,
                            kv: KVLayout(blockCount: blocks, bytesPerToken: KVLayout.bytesPerToken(model().config)), contextLength: 8192)
    }

    /// Twelve prompts, greedy and seeded sampling mixed.
    static func requests(_ tokenizer: Tokenizer) -> [BatchExecutor.Request] {
        let topics = ["the sea", "a cat", "Paris", "winter", "numbers", "a robot", "the moon", "bread",
                      "music", "trees", "a river", "the sun"]
        return topics.enumerated().map { i, topic in
            var p = SamplerSettings()
            if i % 2 == 0 {
                p.temperature = 0
            } else {
                p.temperature = 0.8
                p.topK = 40
                p.topP = 0.95
                p.seed = UInt64(100 + i)
            }
            let ids = tokenizer.encode("Write one sentence about \(topic).", parseSpecial: false)
            return BatchExecutor.Request(id: RequestID(UInt64(i)), prompt: ids.map(PromptItem.token), sampling: p,
                                         stop: StopConditions(maxTokens: 12 + i))
        }
    }

    static func runTogether(_ executor: BatchExecutor, _ requests: [BatchExecutor.Request]) -> [RequestID: [Int32]] {
        var tokens: [RequestID: [Int32]] = [:]
        var finished = Set<RequestID>()
        for r in requests { #expect(executor.submit(r) == nil) }
        var steps = 0
        while finished.count < requests.count && steps < 10_000 {
            for event in executor.step() {
                switch event {
                case .delta(let id, _, let t, _, _): tokens[id, default: []] += t
                case .finished(let id, _, _, _): finished.insert(id)
                case .refused(let id, let why): Issue.record("\(id) refused: \(why)")
                case .failed(let id, let why): Issue.record("\(id) failed: \(why)")
                case .promptLogprobs: break
                }
            }
            steps += 1
        }
        #expect(finished.count == requests.count)
        return tokens
    }

    @Test func batchedEqualsAlone() throws {
        let (model, tokenizer) = try Self.load()
        let requests = Self.requests(tokenizer)
        let single = try BatchExecutor.forOneSequence(model: model, tokenizer: tokenizer)
        let alone = try requests.map { try single.run($0).tokens }
        let together = Self.runTogether(try BatchExecutor(model: model, tokenizer: tokenizer, config: try Self.config()), requests)
        for (i, r) in requests.enumerated() {
            #expect(together[r.id] ?? [] == alone[i], "request \(i)")
        }
    }

    /// A pool too small for all requests at once: everything still completes with the same greedy
    /// tokens, through preemption and recompute.
    @Test func kvPressureKeepsTokens() throws {
        let (model, tokenizer) = try Self.load()
        let requests = Self.requests(tokenizer).map { r -> BatchExecutor.Request in
            var r = r
            r.sampling = .greedy
            r.stop.maxTokens = 24
            return r
        }
        let roomy = Self.runTogether(try BatchExecutor(model: model, tokenizer: tokenizer, config: try Self.config()), requests)
        let tight = try BatchExecutor(model: model, tokenizer: tokenizer, config: try Self.config(blocks: 8))
        let squeezed = Self.runTogether(tight, requests)
        #expect(tight.scheduler.preemptionCount > 0)
        for r in requests { #expect(squeezed[r.id] == roomy[r.id], "request \(r.id)") }
        #expect(tight.kvBlocksUsed == 0)
    }

    @Test func cancellationFreesBlocksAtOnce() throws {
        let (model, tokenizer) = try Self.load()
        let executor = try BatchExecutor(model: model, tokenizer: tokenizer, config: try Self.config())
        let requests = Self.requests(tokenizer).prefix(3).map { r -> BatchExecutor.Request in
            var r = r
            r.stop = StopConditions(maxTokens: 100, ignoreEndOfGeneration: true)
            return r
        }
        for r in requests { #expect(executor.submit(r) == nil) }
        _ = executor.step()
        let before = executor.kvBlocksUsed
        let event = executor.cancel(requests.first!.id)
        guard case .finished(_, .cancelled, _, _) = event else {
            Issue.record("expected a cancelled finish, got \(String(describing: event))")
            return
        }
        #expect(executor.kvBlocksUsed < before)
        for _ in 0..<5 {
            for e in executor.step() {
                if case .delta(let id, _, _, _, _) = e { #expect(id != requests.first!.id) }
            }
        }
    }

    /// 500 requests in a row: resident memory stays within 5% of where it was after the first 50.
    @Test func memoryStaysFlatOverManyRequests() throws {
        let (model, tokenizer) = try Self.load()
        let executor = try BatchExecutor(model: model, tokenizer: tokenizer, config: try Self.config())
        var afterFifty = 0
        for i in 0..<500 {
            let prompt = tokenizer.encode("Request \(i)", parseSpecial: false)
            let request = BatchExecutor.Request(id: RequestID(UInt64(i)), prompt: prompt.map(PromptItem.token), sampling: .greedy,
                                                stop: StopConditions(maxTokens: 2, ignoreEndOfGeneration: true))
            #expect(executor.submit(request) == nil)
            var finished = false
            while !finished {
                for e in executor.step() { if case .finished = e { finished = true } }
            }
            if i == 49 { afterFifty = ProcessMemory.residentBytes }
        }
        let after = ProcessMemory.residentBytes
        print("resident after 50 requests: \(afterFifty >> 20) MiB, after 500: \(after >> 20) MiB")
        #expect(Double(after) <= Double(afterFifty) * 1.05)
        #expect(executor.kvBlocksUsed == 0)
    }
}

extension BatchExecutorTests {
    /// A served sequence stops before a stop string that spans tokens, and the string never reaches
    /// the client: the stop is taken from the text the same request produces without it.
    @Test func servedStopStringsCutTheText() throws {
        let (model, tokenizer) = try Self.load()
        let executor = try BatchExecutor(model: model, tokenizer: tokenizer, config: try Self.config())
        let chat = ChatTemplate(style: .chatml).render([ChatTurn(role: .user, text: "Tell me about the sea.")])
        let prompt = tokenizer.encode(chat, parseSpecial: true).map(PromptItem.token)
        let free = try executor.run(BatchExecutor.Request(id: 1, prompt: prompt, sampling: .greedy, stop: StopConditions(maxTokens: 24)))
        let text = free.text
        try #require(text.count > 20, "the free run is too short to cut: \(text)")
        let stop = String(text.dropFirst(text.count / 2).prefix(6))
        let cut = try executor.run(BatchExecutor.Request(
            id: 2, prompt: prompt, sampling: .greedy, stop: StopConditions(maxTokens: 24, stopStrings: [stop])))
        let before = try #require(text.range(of: stop)).lowerBound
        #expect(cut.text == String(text[..<before]))
        #expect(cut.finishReason == .stop)
    }
}
