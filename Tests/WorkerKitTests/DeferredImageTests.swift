import Engine
import Foundation
import Testing
import TestSupport
@testable import WorkerKit

/// An image the prefix cache covers when its request is submitted is not encoded again; if the cached
/// prefix is gone by the time the request is admitted, the image is encoded then. Either way the
/// answer is the one computed afresh. On the tiny LLaVA fixtures, with the image embedding cache off so
/// that every encode shows.
@Suite(.serialized, .requires(.sharedFixtures))
struct DeferredImageTests {
    static func parts() throws -> (LlamaModel, Tokenizer, ImageEmbedder) {
        let gguf = try GGUFFile(path: LLaVAFixture.model)
        let model = try LlamaModel(gguf: gguf, pool: ComputePool(threads: 2))
        let embedder = try ImageEmbedder(mmproj: GGUFFile(path: LLaVAFixture.mmproj), languageWidth: model.config.dim,
                                         pool: model.pool, cacheBytes: 0)
        return (model, try Tokenizer(gguf: gguf), embedder)
    }

    static func executor(_ model: LlamaModel, _ tokenizer: Tokenizer, _ embedder: ImageEmbedder?, blocks: Int = 256) throws -> BatchExecutor {
        let config = try SchedulerConfig(
            maxRunning: 2, maxBatchTokens: 64, prefillChunk: 32,
            kv: KVLayout(blockCount: blocks, bytesPerToken: KVLayout.bytesPerToken(model.config)),
            contextLength: model.config.contextLength, prefixCaching: true)
        let executor = try BatchExecutor(model: model, tokenizer: tokenizer, config: config)
        executor.images = embedder
        return executor
    }

    static let text = "A picture: " + ChatTemplate.imageMarker + String(repeating: " Tell me what is in it, and its colours.", count: 4)

    static func request(_ prompt: PromptBuilder.Prompt, id: UInt64) -> BatchExecutor.Request {
        BatchExecutor.Request(id: RequestID(id), prompt: prompt.items, images: prompt.images, pending: prompt.pending,
                              sampling: .greedy, stop: StopConditions(maxTokens: 8, ignoreEndOfGeneration: true))
    }

    @Test func anImageInACachedPrefixIsNotEncodedAgain() throws {
        let (model, tokenizer, embedder) = try Self.parts()
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: LLaVAFixture.png)))
        let builder = PromptBuilder(tokenizer: tokenizer, images: embedder)
        let cached = try Self.executor(model, tokenizer, embedder)

        let first = try builder.build(Self.text, parseSpecial: false, images: [bytes])
        #expect(first.pending.count == 1)
        let answer = try cached.run(Self.request(first, id: 1))
        #expect(cached.imagesEncoded == 1)

        // The same prompt again: the image lies inside the cached prefix, so it is not encoded.
        let again = try cached.run(Self.request(try builder.build(Self.text, parseSpecial: false, images: [bytes]), id: 2))
        #expect(cached.imagesEncoded == 1, "no encode for a cached image")
        #expect(again.tokens == answer.tokens)
        #expect(again.usage.cachedTokens >= first.images[0].positions.upperBound)
    }

    @Test func anImageWhosePrefixIsEvictedBeforeAdmissionIsEncodedThen() throws {
        let (model, tokenizer, embedder) = try Self.parts()
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: LLaVAFixture.png)))
        let builder = PromptBuilder(tokenizer: tokenizer, images: embedder)
        let prompt = try builder.build(Self.text, parseSpecial: false, images: [bytes])
        let answer = try Self.executor(model, tokenizer, embedder).run(Self.request(prompt, id: 1))

        // A pool just large enough for one of them: the text request admitted first evicts the image
        // prompt's cached blocks, so the image, deferred at submission, is encoded at admission.
        let blocks = KVLayout.defaultBlockSize
        let small = try Self.executor(model, tokenizer, embedder, blocks: (prompt.items.count + 8 + blocks) / blocks + 1)
        _ = try small.run(Self.request(prompt, id: 2))
        #expect(small.imagesEncoded == 1)
        let filler = tokenizer.encode(String(repeating: "Some words to fill the pool. ", count: 12), parseSpecial: false)
        let fillerLength = min(filler.count, small.kvBlocksTotal * blocks - 9)
        #expect(small.submit(BatchExecutor.Request(id: 3, prompt: filler.prefix(fillerLength).map(PromptItem.token), sampling: .greedy,
                                                   stop: StopConditions(maxTokens: 8, ignoreEndOfGeneration: true))) == nil)
        let late = try small.run(Self.request(try builder.build(Self.text, parseSpecial: false, images: [bytes]), id: 4))
        #expect(late.tokens == answer.tokens && late.usage.cachedTokens == 0)
        #expect(small.imagesEncoded == 1, "not through the vision queue")
    }

    @Test func withoutAVisionModelAnImageRequestFailsAlone() throws {
        let (model, tokenizer, embedder) = try Self.parts()
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: LLaVAFixture.png)))
        let prompt = try PromptBuilder(tokenizer: tokenizer, images: embedder).build(Self.text, parseSpecial: false, images: [bytes])
        let executor = try Self.executor(model, tokenizer, nil)
        #expect(throws: BatchExecutor.RunError.self) { try executor.run(Self.request(prompt, id: 1)) }
        #expect(!executor.hasWork && executor.kvBlocksUsed == 0)
        let text = tokenizer.encode("Hello there", parseSpecial: false).map(PromptItem.token)
        let next = try executor.run(BatchExecutor.Request(id: 2, prompt: text, sampling: .greedy, stop: StopConditions(maxTokens: 3)))
        #expect(!next.tokens.isEmpty)
    }
}

/// The tiny LLaVA fixture's files, in ../shared/fixtures.
enum LLaVAFixture {
    static func path(_ name: String) -> String { Fixture.sharedDirectory.appendingPathComponent("tiny-llava/" + name).path }
    static let model = path("tiny-llama-f32.gguf")
    static let mmproj = path("tiny-mmproj-f32.gguf")
    static let png = path("tiny_56.png")
}
