import Engine
import Testing
import WorkerKit

/// A worker's memory returns to its warm level when a load ends: the KV blocks long prompts wrote
/// and nobody needs any more are given back to the system; the prefix cache's blocks are kept.
@Suite(.serialized) struct IdleMemoryTests {
    static func config(prefixCaching: Bool) throws -> SchedulerConfig {
        try SchedulerConfig(
            maxRunning: 4, maxBatchTokens: 260, prefillChunk: 256,
            kv: KVLayout(blockCount: 512, bytesPerToken: KVLayout.bytesPerToken(BatchExecutorTests.model().config)),
            contextLength: 8192, prefixCaching: prefixCaching)
    }

    /// A 2,000-token prompt writes 44 MiB of SmolLM2 KV.
    static func longRequest(_ tokenizer: Tokenizer) -> BatchExecutor.Request {
        let words = (0..<2000).map { ["river", "stone", "cloud", "garden", "silver"][$0 % 5] }.joined(separator: " ")
        let prompt = tokenizer.encode(words, parseSpecial: false).prefix(2000).map(PromptItem.token)
        return BatchExecutor.Request(id: 1, prompt: Array(prompt), sampling: .greedy, stop: StopConditions(maxTokens: 1))
    }

    @Test func unusedBlocksAreGivenBack() throws {
        let (model, tokenizer) = try BatchExecutorTests.load()
        let executor = try BatchExecutor(model: model, tokenizer: tokenizer, config: try Self.config(prefixCaching: false))
        _ = try executor.run(Self.longRequest(tokenizer))
        let loaded = ProcessMemory.residentBytes
        executor.releaseIdleMemory()
        let idle = ProcessMemory.residentBytes
        print("resident after the prompt: \(loaded >> 20) MiB, given back: \((loaded - idle) >> 20) MiB")
        #expect(loaded - idle >= 35 << 20, "the prompt's KV pages must leave the resident set")
        // The pool still works, from zeroed pages.
        let again = try executor.run(Self.longRequest(tokenizer))
        #expect(again.tokens.count == 1)
    }

    @Test func cachedBlocksAreKeptAndStillHit() throws {
        let (model, tokenizer) = try BatchExecutorTests.load()
        let executor = try BatchExecutor(model: model, tokenizer: tokenizer, config: try Self.config(prefixCaching: true))
        let request = Self.longRequest(tokenizer)
        let first = try executor.run(request)
        let loaded = ProcessMemory.residentBytes
        executor.releaseIdleMemory()
        #expect(loaded - ProcessMemory.residentBytes < 8 << 20, "cached KV stays resident")
        let second = try executor.run(request)
        #expect(second.usage.cachedTokens >= 1984)
        #expect(second.tokens == first.tokens)
    }
}
