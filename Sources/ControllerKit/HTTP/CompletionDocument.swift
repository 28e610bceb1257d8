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
            /// Streamed chat: the role on the first chunk, then content deltas.
            case delta(role: String?, content: String?)
            case message(String)
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
            case .delta(let role, let content):
                try container.encode(Delta(role: role, content: content), forKey: .delta)
            case .message(let content):
                try container.encode(Delta(role: "assistant", content: content), forKey: .message)
            case .text(let text):
                try container.encode(text, forKey: .text)
            }
            try container.encode(logprobs, forKey: .logprobs)
            try container.encode(finishReason, forKey: .finishReason)
        }
    }

    /// A chat delta or message; absent fields are left out.
    struct Delta: Encodable {
        let role: String?
        let content: String?
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
