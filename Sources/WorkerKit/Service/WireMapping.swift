import Engine
import LoomProtocol

// The one place where the wire's types meet the engine's: the two modules know nothing of each other.
// What a request asks for comes in as engine settings; how a sequence ended goes out as the wire's.

extension SamplerSettings {
    init(_ wire: SamplingParameters) {
        self.init()
        temperature = wire.temperature
        topK = wire.topK
        topP = wire.topP
        minP = wire.minP
        repetitionPenalty = wire.repetitionPenalty
        frequencyPenalty = wire.frequencyPenalty
        presencePenalty = wire.presencePenalty
        seed = wire.seed
        logprobs = wire.logprobs
        logitBias = wire.logitBias.map { TokenBias(token: $0.token, bias: $0.bias) }
        promptLogprobs = wire.promptLogprobs && wire.logprobs != nil
    }
}

extension StopConditions {
    init(_ wire: SamplingParameters) {
        self.init(maxTokens: wire.maxTokens, stopStrings: wire.stop, ignoreEndOfGeneration: wire.ignoreEOS)
    }
}

extension ChatTurn {
    init(_ wire: ChatMessage) {
        let role: Role = switch wire.role {
        case .system: .system
        case .user: .user
        case .assistant: .assistant
        case .tool: .tool
        }
        self.init(
            role: role,
            content: wire.parts.map { part in
                switch part {
                case .text(let text): .text(text)
                case .image: .image
                }
            },
            toolCalls: wire.toolCalls.map { ChatToolCall(name: $0.name, arguments: $0.arguments) })
    }
}

extension ChatTool {
    init(_ wire: ToolDefinition) {
        self.init(name: wire.name, description: wire.description, parameters: wire.parameters)
    }
}

extension FinishReason {
    init(_ ending: CompletionStream.Ending) {
        switch ending {
        case .endOfGeneration, .stopString, .grammarComplete: self = .stop
        case .maxTokens: self = .length
        }
    }
}

extension TokenLogprob {
    /// The wire's entry: tokens as their bytes, since the controller has no tokenizer.
    /// Special tokens render as their text (`<|im_end|>`), as vLLM reports them.
    init(_ engine: TokenLogprobs, tokenizer: Tokenizer) {
        func bytes(_ token: Int32) -> [UInt8] {
            Array(tokenizer.tokenBytes(token, renderSpecial: true).prefix(WireLimits.default.maxTokenBytes))
        }
        self.init(
            bytes: bytes(engine.token), logprob: engine.logprob,
            top: engine.top.map { TopLogprob(bytes: bytes($0.token), logprob: $0.logprob) })
    }
}

extension SubmitRefusal {
    /// The wire error a refusal becomes.
    var wireError: (ErrorCode, String) {
        switch self {
        case .emptyPrompt, .noTokensRequested, .duplicateID: (.badRequest, description)
        case .exceedsContext, .exceedsKVPool: (.promptTooLong, description)
        }
    }
}
