/// The body of a streamed `POST /v1/chat/completions` for one bench request.
struct ChatRequestBody: Encodable {
    let model: String
    let messages: [Message]
    let maxTokens: Int
    let stream = true
    let streamOptions = StreamOptions()
    let ignoreEOS = true
    let temperature = 0.0

    struct StreamOptions: Encodable {
        let includeUsage = true

        enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
    }

    struct Message: Encodable {
        let role: String
        let content: Content
    }

    /// A message's `content`: a plain string, or parts (the images, then the text) when it has images.
    enum Content: Encodable {
        case text(String)
        case parts([Part])

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let text): try container.encode(text)
            case .parts(let parts): try container.encode(parts)
            }
        }
    }

    struct Part: Encodable {
        let type: String
        let text: String?
        let imageURL: ImageURL?

        struct ImageURL: Encodable {
            let url: String
        }

        enum CodingKeys: String, CodingKey {
            case type, text
            case imageURL = "image_url"
        }
    }

    enum CodingKeys: String, CodingKey {
        case model, messages, stream, temperature
        case maxTokens = "max_tokens", streamOptions = "stream_options", ignoreEOS = "ignore_eos"
    }

    init(_ request: BenchRequest, model: String) {
        self.model = model
        maxTokens = request.maxTokens
        messages = request.messages.map { message in
            guard !message.images.isEmpty else { return Message(role: message.role.openAIName, content: .text(message.text)) }
            let images = message.images.map { Part(type: "image_url", text: nil, imageURL: Part.ImageURL(url: $0.dataURL)) }
            return Message(role: message.role.openAIName, content: .parts(images + [Part(type: "text", text: message.text, imageURL: nil)]))
        }
    }
}

/// What a streamed chunk (or an error body) may hold, as far as the bench reads it.
struct StreamChunk: Decodable {
    let choices: [Choice]?
    let usage: Usage?
    let error: ErrorBody?

    struct Choice: Decodable {
        let delta: Delta?
        let finishReason: String?

        enum CodingKeys: String, CodingKey {
            case delta
            case finishReason = "finish_reason"
        }
    }

    struct Delta: Decodable {
        let content: String?
    }

    struct Usage: Decodable {
        let promptTokens: Int
        let completionTokens: Int
        /// Absent from servers that do not report a prefix cache.
        let promptTokensDetails: PromptTokensDetails?

        struct PromptTokensDetails: Decodable {
            let cachedTokens: Int?

            enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
        }

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
            case promptTokensDetails = "prompt_tokens_details"
        }

        var cachedTokens: Int? { promptTokensDetails?.cachedTokens }
    }

    struct ErrorBody: Decodable {
        let code: String?
        let message: String?
    }

    /// The new text this chunk carries ("" when none).
    var content: String { (choices ?? []).compactMap { $0.delta?.content }.joined() }
    var finished: Bool { choices?.contains { $0.finishReason != nil } ?? false }
}
