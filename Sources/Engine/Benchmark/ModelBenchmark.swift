import Foundation

/// Measures the language model alone, without scheduler or sockets: prompt processing and batched
/// decoding, on random tokens (`loom-worker bench-engine`).
public struct ModelBenchmark {
    public struct DecodeFigure: Codable, Sendable {
        public let batch: Int
        public let tokensPerSecond: Double
        public let perSequenceTokensPerSecond: Double

        enum CodingKeys: String, CodingKey {
            case batch
            case tokensPerSecond = "tokens_per_s"
            case perSequenceTokensPerSecond = "per_sequence_tokens_per_s"
        }
    }

    public struct Report: Codable, Sendable {
        public var promptTokensPerSecond: Double
        public var decode: [DecodeFigure]
        public var peakRSSBytes: Int

        enum CodingKeys: String, CodingKey {
            case promptTokensPerSecond = "prompt_tokens_per_s"
            case decode
            case peakRSSBytes = "peak_rss_bytes"
        }
    }

    public let model: LlamaModel
    public var promptLength = 512
    public var decodePromptLength = 128
    public var decodeSteps = 32
    public var batchSizes = [1, 2, 4, 8, 16, 32]
    /// With a value, the KV pool holds this many tokens for every decode sequence, and all of it is
    /// written before measuring: the figures then include what full contexts take in memory.
    public var contextTokens: Int?

    public init(model: LlamaModel) { self.model = model }

    public func run(progress: (String) -> Void = { _ in }) throws(KVLayoutError) -> Report {
        let slots = max(batchSizes.max() ?? 1, 1)
        let perSequence = max(contextTokens ?? 0, decodePromptLength + decodeSteps + KVLayout.defaultBlockSize)
        let tokensNeeded = slots * perSequence + promptLength
        let layout = try KVLayout(model: model.config, budgetBytes: tokensNeeded * KVLayout.bytesPerToken(model.config))
        let kv = try KVCache(layout: layout, config: model.config, slots: slots)
        if contextTokens != nil {
            progress("writing the KV pool: \(tokensNeeded) tokens, \(tokensNeeded * KVLayout.bytesPerToken(model.config) >> 20) MiB")
            kv.touchAll()
        }
        var random = RandomSource(seed: 42)
        let vocab = UInt64(min(model.config.vocabSize, 32_000))
        func randomTokens(_ n: Int) -> [Int32] { (0..<n).map { _ in Int32(random.next() % vocab) } }
        var batch = DecoderBatch()

        // Prompt processing: one sequence, in chunks of the model's batch size, logits for the last token.
        func prefill(_ tokens: [Int32], slot: Int) {
            _ = kv.reserve(slot: slot, tokens: tokens.count + decodeSteps)
            var start = 0
            while start < tokens.count {
                let end = min(tokens.count, start + model.maxBatchTokens)
                batch.removeAll()
                for p in start..<end { batch.append(token: tokens[p], position: p, slot: slot, promptLength: tokens.count, logits: p == tokens.count - 1) }
                _ = model.forward(batch, kv: kv)
                start = end
            }
        }
        prefill(randomTokens(32), slot: 0)  // warm-up
        kv.release(slot: 0)
        progress("prompt processing, \(promptLength) tokens")
        let prompt = randomTokens(promptLength)
        let t0 = Date()
        prefill(prompt, slot: 0)
        let promptRate = Double(promptLength) / Date().timeIntervalSince(t0)
        kv.release(slot: 0)

        var figures: [DecodeFigure] = []
        for b in batchSizes {
            progress("decode, batch \(b)")
            for s in 0..<b { prefill(randomTokens(decodePromptLength), slot: s) }
            var next = randomTokens(b)
            let start = Date()
            for step in 0..<decodeSteps {
                batch.removeAll()
                for s in 0..<b { batch.append(token: next[s], position: decodePromptLength + step, slot: s, promptLength: decodePromptLength, logits: true) }
                let logits = model.forward(batch, kv: kv)
                let v = model.config.vocabSize
                for s in 0..<b { next[s] = argmax(UnsafeBufferPointer(rebasing: logits[s * v..<(s + 1) * v])) }
            }
            let seconds = Date().timeIntervalSince(start)
            let rate = Double(b * decodeSteps) / seconds
            figures.append(DecodeFigure(batch: b, tokensPerSecond: rate, perSequenceTokensPerSecond: rate / Double(b)))
            for s in 0..<b { kv.release(slot: s) }
        }
        return Report(promptTokensPerSecond: promptRate, decode: figures, peakRSSBytes: ProcessMemory.peakResidentBytes)
    }
}
