import Engine
import Foundation
import Testing
@testable import WorkerKit

/// The executor on the real default model: many requests served together give each the tokens it
/// gets alone through `Generator` (what `loom-worker generate` runs).
@Suite(.serialized, .enabled(if: DefaultModel.path != nil, "default model not fetched (scripts/fetch-model)"))
struct BatchEngineTests {
    static let pool = ComputePool(threads: 2)

    static func load() throws -> (LlamaModel, Tokenizer) {
        let gguf = try GGUFFile(path: try #require(DefaultModel.path))
        return (try LlamaModel(gguf: gguf, pool: pool), try Tokenizer(gguf: gguf))
    }

    static func config(blocks: Int = 512) throws -> SchedulerConfig {
        try SchedulerConfig(maxRunning: 16, maxBatchTokens: 256, prefillChunk: 64, kvBlockCount: blocks, kvBlockSize: 16, contextLength: 8192)
    }

    /// Twelve prompts, greedy and seeded sampling mixed.
    static func requests(_ tokenizer: Tokenizer) -> [BatchEngine.Request] {
        let topics = ["the sea", "a cat", "Paris", "winter", "numbers", "a robot", "the moon", "bread",
                      "music", "trees", "a river", "the sun"]
        return topics.enumerated().map { i, topic in
            var p = SamplingParameters()
            p.maxTokens = 12 + i
            if i % 2 == 0 {
                p.temperature = 0
            } else {
                p.temperature = 0.8
                p.topK = 40
                p.topP = 0.95
                p.seed = UInt64(100 + i)
            }
            let ids = tokenizer.encode("Write one sentence about \(topic).", parseSpecial: false)
            return BatchEngine.Request(id: RequestID(UInt64(i)), prompt: ids.map(PromptItem.token), parameters: p)
        }
    }

    static func runTogether(_ engine: BatchEngine, _ requests: [BatchEngine.Request]) -> [RequestID: [Int32]] {
        var tokens: [RequestID: [Int32]] = [:]
        var finished = Set<RequestID>()
        for r in requests { #expect(engine.submit(r) == nil) }
        var steps = 0
        while finished.count < requests.count && steps < 10_000 {
            for event in engine.step() {
                switch event {
                case .delta(let id, _, let t, _): tokens[id, default: []] += t
                case .finished(let id, _, _, _): finished.insert(id)
                case .refused(let id, let why): Issue.record("\(id) refused: \(why)")
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
        let generator = Generator(model: model, tokenizer: tokenizer, kvBudgetBytes: 16 << 20)
        let alone = try requests.map { try generator.generate($0.prompt, parameters: $0.parameters).tokens }
        let together = Self.runTogether(BatchEngine(model: model, tokenizer: tokenizer, config: try Self.config()), requests)
        for (i, r) in requests.enumerated() {
            #expect(together[r.id] ?? [] == alone[i], "request \(i)")
        }
    }

    /// A pool too small for all requests at once: everything still completes with the same greedy
    /// tokens, through preemption and recompute.
    @Test func kvPressureKeepsTokens() throws {
        let (model, tokenizer) = try Self.load()
        let requests = Self.requests(tokenizer).map { r -> BatchEngine.Request in
            var r = r
            r.parameters = .greedy
            r.parameters.maxTokens = 24
            return r
        }
        let roomy = Self.runTogether(BatchEngine(model: model, tokenizer: tokenizer, config: try Self.config()), requests)
        let tight = BatchEngine(model: model, tokenizer: tokenizer, config: try Self.config(blocks: 8))
        let squeezed = Self.runTogether(tight, requests)
        #expect(tight.scheduler.preemptionCount > 0)
        for r in requests { #expect(squeezed[r.id] == roomy[r.id], "request \(r.id)") }
        #expect(tight.kvBlocksUsed == 0)
    }

    @Test func cancellationFreesBlocksAtOnce() throws {
        let (model, tokenizer) = try Self.load()
        let engine = BatchEngine(model: model, tokenizer: tokenizer, config: try Self.config())
        let requests = Self.requests(tokenizer).prefix(3).map { r -> BatchEngine.Request in
            var r = r
            r.parameters.ignoreEOS = true
            r.parameters.maxTokens = 100
            return r
        }
        for r in requests { #expect(engine.submit(r) == nil) }
        _ = engine.step()
        let before = engine.kvBlocksUsed
        let event = engine.cancel(requests.first!.id)
        guard case .finished(_, .cancelled, _, _) = event else {
            Issue.record("expected a cancelled finish, got \(String(describing: event))")
            return
        }
        #expect(engine.kvBlocksUsed < before)
        for _ in 0..<5 {
            for e in engine.step() {
                if case .delta(let id, _, _, _) = e { #expect(id != requests.first!.id) }
            }
        }
    }

    /// 500 requests in a row: resident memory stays within 5% of where it was after the first 50.
    @Test func memoryStaysFlatOverManyRequests() throws {
        let (model, tokenizer) = try Self.load()
        let engine = BatchEngine(model: model, tokenizer: tokenizer, config: try Self.config())
        var afterFifty = 0
        for i in 0..<500 {
            var p = SamplingParameters.greedy
            p.maxTokens = 2
            p.ignoreEOS = true
            let prompt = tokenizer.encode("Request \(i)", parseSpecial: false)
            #expect(engine.submit(BatchEngine.Request(id: RequestID(UInt64(i)), prompt: prompt.map(PromptItem.token), parameters: p)) == nil)
            var finished = false
            while !finished {
                for e in engine.step() { if case .finished = e { finished = true } }
            }
            if i == 49 { afterFifty = ProcessMemory.residentBytes }
        }
        let after = ProcessMemory.residentBytes
        print("resident after 50 requests: \(afterFifty >> 20) MiB, after 500: \(after >> 20) MiB")
        #expect(Double(after) <= Double(afterFifty) * 1.05)
        #expect(engine.kvBlocksUsed == 0)
    }
}
