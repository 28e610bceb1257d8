import Engine
import LoomProtocol

// Conversions between the wire's types and the engine's: the two modules know nothing of each other.

extension Engine.SamplingParameters {
    init(_ wire: LoomProtocol.SamplingParameters) {
        self.init()
        maxTokens = wire.maxTokens
        temperature = wire.temperature
        topK = wire.topK
        topP = wire.topP
        minP = wire.minP
        repetitionPenalty = wire.repetitionPenalty
        frequencyPenalty = wire.frequencyPenalty
        presencePenalty = wire.presencePenalty
        seed = wire.seed
        stop = wire.stop
        ignoreEOS = wire.ignoreEOS
    }
}

extension LoomProtocol.FinishReason {
    init(_ reason: Engine.FinishReason) {
        switch reason {
        case .stop: self = .stop
        case .length: self = .length
        case .cancelled: self = .cancelled
        case .deadline: self = .deadline
        }
    }
}

extension LoomProtocol.Usage {
    init(_ usage: BatchEngine.Usage) {
        self.init(promptTokens: usage.promptTokens, imageTokens: usage.imageTokens, completionTokens: usage.completionTokens)
    }
}

extension LoomProtocol.Timings {
    init(_ t: BatchEngine.Timings) {
        self.init(queueMs: t.queueMs, timeToFirstTokenMs: t.timeToFirstTokenMs,
                  decodeTokensPerSecond: t.decodeTokensPerSecond, totalMs: t.totalMs)
    }
}

extension Engine.ChatMessage {
    init(_ wire: LoomProtocol.ChatMessage) {
        let role: ChatRole = switch wire.role {
        case .system: .system
        case .user: .user
        case .assistant: .assistant
        }
        self.init(role: role, content: wire.parts.map { part in
            switch part {
            case .text(let text): .text(text)
            case .image: .image
            }
        })
    }
}

extension SubmitRefusal {
    /// The wire error a refusal becomes.
    var wireError: (ErrorCode, String) {
        switch self {
        case .emptyPrompt: (.badRequest, "the prompt is empty")
        case .noTokensRequested: (.badRequest, "max_tokens must be at least 1")
        case .duplicateID: (.badRequest, "a request with this id is already running")
        case .exceedsContext(let needed, let contextLength):
            (.promptTooLong, "the prompt plus max_tokens needs \(needed) positions; the model's context is \(contextLength)")
        case .exceedsKVPool(let neededBlocks, let blockCount):
            (.promptTooLong, "the prompt plus max_tokens needs \(neededBlocks) KV blocks; this worker has \(blockCount) in all")
        }
    }
}
