import Engine
import Foundation
import Testing
import TestSupport
@testable import WorkerKit

/// Images encoded inside the step loop, on the tiny LLaVA fixtures: a stream gets its token every step
/// while an image is encoded a slice at a time, the image's answer is the one it gets alone, an image
/// two requests bring is encoded once, and a request cancelled mid-encode leaves nothing behind.
@Suite(.serialized, .requires(.sharedFixtures))
struct ImageStepTests {
    /// Vision budgets so small that each step runs one smallest slice (16 rows, or one head).
    static func executor(_ parts: (LlamaModel, Tokenizer, ImageEmbedder), visionBudget: Double? = 1e-9) throws -> BatchExecutor {
        let (model, tokenizer, embedder) = parts
        let config = try SchedulerConfig(
            maxRunning: 4, maxBatchTokens: 128, prefillChunk: 128,
            kv: KVLayout(blockCount: 256, bytesPerToken: KVLayout.bytesPerToken(model.config)),
            contextLength: model.config.contextLength, stepTarget: 10, visionBudget: visionBudget)
        let executor = try BatchExecutor(model: model, tokenizer: tokenizer, config: config)
        executor.images = embedder
        return executor
    }

    static func imageRequest(_ parts: (LlamaModel, Tokenizer, ImageEmbedder), id: UInt64, image: String = LLaVAFixture.png) throws -> BatchExecutor.Request {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: image)))
        let prompt = try PromptBuilder(tokenizer: parts.1, images: parts.2)
            .build("Look: " + ChatTemplate.imageMarker + " What is it?", parseSpecial: false, images: [bytes])
        return BatchExecutor.Request(id: RequestID(id), prompt: prompt.items, images: prompt.images, pending: prompt.pending,
                                     sampling: .greedy, stop: StopConditions(maxTokens: 6, ignoreEndOfGeneration: true))
    }

    static func textRequest(_ tokenizer: Tokenizer, id: UInt64, maxTokens: Int) -> BatchExecutor.Request {
        BatchExecutor.Request(id: RequestID(id), prompt: tokenizer.encode("Once upon a time", parseSpecial: false).map(PromptItem.token),
                              sampling: .greedy, stop: StopConditions(maxTokens: maxTokens, ignoreEndOfGeneration: true))
    }

    /// Steps until `id` finishes; returns its tokens, and per step whether `stream` got a token.
    static func runBeside(_ executor: BatchExecutor, _ id: RequestID, stream: RequestID) -> (tokens: [Int32], streamTokenPerStep: [Bool]) {
        var tokens: [Int32] = [], streamed: [Bool] = []
        for _ in 0..<10_000 {
            let events = executor.step()
            streamed.append(events.contains { if case .delta(stream, _, let t, _, _) = $0 { !t.isEmpty } else { false } })
            for event in events {
                if case .delta(id, _, let t, _, _) = event { tokens += t }
                if case .finished(id, _, _, _) = event { return (tokens, streamed) }
            }
        }
        return (tokens, streamed)
    }

    @Test func aStreamDecodesEveryStepWhileAnImageIsEncodedInSlices() throws {
        let parts = try DeferredImageTests.parts()
        let alone = try Self.executor(parts, visionBudget: nil).run(Self.imageRequest(parts, id: 1)).tokens

        let executor = try Self.executor(parts)
        #expect(executor.submit(Self.textRequest(parts.1, id: 2, maxTokens: 5000)) == nil)
        for _ in 0..<3 { _ = executor.step() }
        #expect(executor.submit(try Self.imageRequest(parts, id: 3)) == nil)
        #expect(executor.imageQueueDepth == 1)
        let (tokens, streamed) = Self.runBeside(executor, 3, stream: 2)
        #expect(tokens == alone, "the image's answer is the one it gets alone")
        #expect(streamed.count > 20, "the tower ran in many slices: \(streamed.count) steps")
        #expect(streamed.allSatisfy { $0 }, "the stream got a token in every step")
        #expect(executor.imagesEncoded == 1 && executor.imageQueueDepth == 0)
        _ = executor.cancel(2)
    }

    @Test func anImageTwoRequestsBringIsEncodedOnceForBoth() throws {
        let parts = try DeferredImageTests.parts()
        let alone = try Self.executor(parts, visionBudget: nil).run(Self.imageRequest(parts, id: 1)).tokens
        let executor = try Self.executor(parts, visionBudget: nil)
        #expect(executor.submit(try Self.imageRequest(parts, id: 2)) == nil)
        #expect(executor.submit(try Self.imageRequest(parts, id: 3)) == nil)
        #expect(executor.imageQueueDepth == 1)
        var answers: [RequestID: [Int32]] = [:]
        var finished = 0
        while finished < 2 {
            for event in executor.step() {
                if case .delta(let id, _, let t, _, _) = event { answers[id, default: []] += t }
                if case .finished = event { finished += 1 }
            }
        }
        #expect(answers[2] == alone && answers[3] == alone)
        #expect(executor.imagesEncoded == 1)
    }

    @Test func imagesOfDifferentRequestsShareOnePass() throws {
        let parts = try DeferredImageTests.parts()
        let executor = try Self.executor(parts)
        #expect(executor.submit(try Self.imageRequest(parts, id: 1)) == nil)
        #expect(executor.submit(try Self.imageRequest(parts, id: 2, image: LLaVAFixture.path("tiny_56.jpg"))) == nil)
        _ = executor.step()
        #expect(parts.2.encoder.passImageCount == 2, "one pass, both requests' images")
        var finished = 0
        while finished < 2 {
            for event in executor.step() { if case .finished = event { finished += 1 } }
        }
        #expect(executor.imagesEncoded == 2)
    }

    @Test func aRequestCancelledMidEncodeLeavesNothingBehind() throws {
        let parts = try DeferredImageTests.parts()
        let executor = try Self.executor(parts)
        #expect(executor.submit(try Self.imageRequest(parts, id: 1)) == nil)
        for _ in 0..<5 { #expect(executor.step().isEmpty) }
        #expect(parts.2.encoder.isEncoding)
        _ = executor.cancel(1)
        #expect(!executor.hasWork && executor.imageQueueDepth == 0 && !parts.2.encoder.isEncoding)
        // The tower is free for the next request.
        let next = try executor.run(Self.imageRequest(parts, id: 2))
        #expect(next.tokens.count == 6)
    }
}
