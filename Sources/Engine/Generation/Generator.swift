import Foundation

/// Why a generation ended.
public enum FinishReason: String, Sendable, Codable {
    case stop       // end-of-generation token or stop string
    case length     // max tokens
    case cancelled
    case deadline
}

/// One prompt in, text out, on one sequence: what `loom-worker generate` runs. The serving loop runs
/// the same steps for many sequences at once.
public final class Generator {
    public let model: LlamaModel
    public let tokenizer: Tokenizer
    private let kv: KVCache
    private var batch = DecoderBatch()
    private var scratch: SamplerScratch

    public struct Result: Sendable {
        public var promptTokens: [Int32]
        public var tokens: [Int32] = []
        public var text = ""
        public var finishReason = FinishReason.length
        public var promptSeconds = 0.0
        public var decodeSeconds = 0.0
    }

    public init(model: LlamaModel, tokenizer: Tokenizer, kvBudgetBytes: Int? = nil) {
        self.model = model
        self.tokenizer = tokenizer
        let budget = kvBudgetBytes ?? model.config.contextLength * KVCache.bytesPerToken(model.config)
        kv = KVCache(config: model.config, budgetBytes: budget, slots: 1)
        scratch = SamplerScratch(vocabularySize: model.config.vocabSize)
    }

    /// Generates from `prompt` (token ids, or embedding rows for image positions), calling `onText`
    /// with each UTF-8-complete delta.
    public func generate(_ prompt: [PromptItem], parameters: SamplingParameters,
                         onText: (String) -> Void = { _ in }) throws(GenerationError) -> Result {
        let limit = min(model.config.contextLength, kv.capacityTokens)
        guard !prompt.isEmpty else { throw .emptyPrompt }
        guard prompt.count + 1 <= limit else { throw .promptTooLong(tokens: prompt.count, limit: limit) }
        let maxTokens = min(parameters.maxTokens, limit - prompt.count)
        var result = Result(promptTokens: prompt.compactMap(\.token))
        var sampler = Sampler(parameters, prompt: result.promptTokens)
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        var stops = StopMatcher(parameters.stop)
        kv.release(slot: 0)
        _ = kv.reserve(slot: 0, tokens: prompt.count + maxTokens)

        let start = Date()
        var logits = prefill(prompt)
        result.promptSeconds = Date().timeIntervalSince(start)
        let decodeStart = Date()
        while result.tokens.count < maxTokens {
            let token = sampler.sample(logits, scratch: &scratch)
            if tokenizer.isEndOfGeneration(token) && !parameters.ignoreEOS {
                result.finishReason = .stop
                break
            }
            sampler.accept(token)
            result.tokens.append(token)
            switch stops.feed(detokenizer.append(token)) {
            case .text(let delta):
                emit(delta, &result, onText)
            case .stopped(let delta):
                emit(delta, &result, onText)
                result.finishReason = .stop
                result.decodeSeconds = Date().timeIntervalSince(decodeStart)
                return result
            }
            if result.tokens.count == maxTokens { break }
            batch.removeAll()
            batch.append(token: token, position: prompt.count + result.tokens.count - 1, slot: 0, promptLength: prompt.count, logits: true)
            logits = model.forward(batch, kv: kv)
        }
        emit(stops.feed(detokenizer.flush()).emittedText + stops.flush(), &result, onText)
        result.decodeSeconds = Date().timeIntervalSince(decodeStart)
        return result
    }

    private func emit(_ text: String, _ result: inout Result, _ onText: (String) -> Void) {
        guard !text.isEmpty else { return }
        result.text += text
        onText(text)
    }

    /// Feeds the prompt in chunks of the model's batch size; returns the last position's logits.
    private func prefill(_ prompt: [PromptItem]) -> UnsafeBufferPointer<Float> {
        var start = 0
        var logits = UnsafeBufferPointer<Float>(start: nil, count: 0)
        while start < prompt.count {
            let end = min(prompt.count, start + model.maxBatchTokens)
            batch.removeAll()
            for p in start..<end {
                switch prompt[p] {
                case .token(let t): batch.append(token: t, position: p, slot: 0, promptLength: prompt.count, logits: p == prompt.count - 1)
                case .embedding(let row): batch.append(embedding: row, position: p, slot: 0, promptLength: prompt.count, logits: p == prompt.count - 1)
                }
            }
            logits = model.forward(batch, kv: kv)
            start = end
        }
        return logits
    }
}

extension StopMatcher.Outcome {
    /// The text to emit, whether or not a stop string matched.
    public var emittedText: String {
        switch self {
        case .text(let t), .stopped(let t): t
        }
    }
}

/// One position of a prompt: a token, or an embedding row (an image position).
public enum PromptItem: Sendable, Equatable {
    case token(Int32)
    case embedding(ArraySlice<Float>)

    public var token: Int32? {
        if case .token(let t) = self { return t }
        return nil
    }
}

public enum GenerationError: Error, Equatable, CustomStringConvertible {
    case emptyPrompt
    case promptTooLong(tokens: Int, limit: Int)

    public var description: String {
        switch self {
        case .emptyPrompt: "the prompt is empty"
        case .promptTooLong(let tokens, let limit): "the prompt has \(tokens) positions; this model takes at most \(limit - 1) before generating"
        }
    }
}
