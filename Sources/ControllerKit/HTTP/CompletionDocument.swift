import LoomProtocol

/// A completion or one chunk of a streamed one, for either endpoint, in OpenAI's format.
struct CompletionDocument: Encodable {
    let id: String
    let object: String
    let created: Int
    let model: String
    let choices: [Choice]
    let usage: UsageBody?

    enum CodingKeys: String, CodingKey { case id, object, created, model, choices, usage }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(object, forKey: .object)
        try container.encode(created, forKey: .created)
        try container.encode(model, forKey: .model)
        try container.encode(choices, forKey: .choices)
        try container.encodeIfPresent(usage, forKey: .usage)
    }

    /// One choice: its text as a chat delta, a chat message, or plain text.
    struct Choice: Encodable {
        enum Body {
            /// Streamed chat: the role on the first chunk, then content and tool-call deltas.
            case delta(role: String?, content: String?, toolCalls: [ToolCallDelta] = [])
            /// A whole chat answer: its text (nil when it is only tool calls) and its tool calls.
            case message(String?, toolCalls: [ToolCallParser.Call] = [])
            case text(String)
        }

        let body: Body
        /// `nil` is encoded as `null`, as OpenAI does on every chunk but the last.
        let finishReason: String?
        /// `nil` (not asked, or a chunk without tokens) is encoded as `null`.
        var logprobs: LogprobsDocument? = nil
        /// 0 to n − 1.
        var index = 0

        enum CodingKeys: String, CodingKey {
            case index, delta, message, text, logprobs
            case finishReason = "finish_reason"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            switch body {
            case .delta(let role, let content, let toolCalls):
                try container.encode(Delta(role: role, content: content, toolCalls: toolCalls), forKey: .delta)
            case .message(let content, let toolCalls):
                try container.encode(Message(content: content, toolCalls: toolCalls), forKey: .message)
            case .text(let text):
                try container.encode(text, forKey: .text)
            }
            try container.encode(logprobs, forKey: .logprobs)
            try container.encode(finishReason, forKey: .finishReason)
        }
    }

    /// A chat delta; absent fields are left out.
    struct Delta: Encodable {
        let role: String?
        let content: String?
        var toolCalls: [ToolCallDelta] = []

        enum CodingKeys: String, CodingKey {
            case role, content
            case toolCalls = "tool_calls"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(role, forKey: .role)
            try container.encodeIfPresent(content, forKey: .content)
            if !toolCalls.isEmpty { try container.encode(toolCalls, forKey: .toolCalls) }
        }
    }

    /// A whole chat answer: `content` is `null` when the answer is only tool calls, as OpenAI sends it.
    struct Message: Encodable {
        let content: String?
        let toolCalls: [ToolCallParser.Call]

        enum CodingKeys: String, CodingKey {
            case role, content
            case toolCalls = "tool_calls"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("assistant", forKey: .role)
            try container.encode(content, forKey: .content)
            if !toolCalls.isEmpty { try container.encode(toolCalls.map(ToolCallDelta.whole), forKey: .toolCalls) }
        }
    }

    /// One tool call, whole or as a streamed piece: the first piece of a call has its `id`, `type`
    /// and name, the next ones pieces of its arguments.
    struct ToolCallDelta: Encodable {
        /// Streamed calls are told apart by index; whole ones have none.
        var index: Int?
        var id: String?
        var name: String?
        var arguments: String?

        static func whole(_ call: ToolCallParser.Call) -> ToolCallDelta {
            ToolCallDelta(index: nil, id: call.id, name: call.name, arguments: call.arguments)
        }

        enum CodingKeys: String, CodingKey { case index, id, type, function }
        enum FunctionKeys: String, CodingKey { case name, arguments }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(index, forKey: .index)
            if let id {
                try container.encode(id, forKey: .id)
                try container.encode("function", forKey: .type)
            }
            var function = container.nestedContainer(keyedBy: FunctionKeys.self, forKey: .function)
            try function.encodeIfPresent(name, forKey: .name)
            try function.encodeIfPresent(arguments, forKey: .arguments)
        }
    }
}

/// OpenAI's `usage`; image tokens count as prompt tokens, and so as cached tokens when their KV was.
struct UsageBody: Encodable {
    let promptTokens: Int
    let completionTokens: Int
    let totalTokens: Int
    let promptTokensDetails: PromptTokensDetails

    struct PromptTokensDetails: Encodable {
        let cachedTokens: Int
        enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
    }

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens", completionTokens = "completion_tokens", totalTokens = "total_tokens"
        case promptTokensDetails = "prompt_tokens_details"
    }

    init(_ usage: Usage) {
        promptTokens = usage.promptTokens + usage.imageTokens
        completionTokens = usage.completionTokens
        totalTokens = promptTokens + usage.completionTokens
        promptTokensDetails = PromptTokensDetails(cachedTokens: usage.cachedTokens)
    }
}

extension FinishReason {
    /// OpenAI's finish_reason; a request cancelled by its client is never answered, so "stop".
    var openAIName: String {
        switch self {
        case .length: "length"
        case .stop, .cancelled, .deadline: "stop"
        }
    }
}
