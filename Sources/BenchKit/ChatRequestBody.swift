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
        let role = "user"
        let content: [Part]
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
        let images = request.images.map { Part(type: "image_url", text: nil, imageURL: Part.ImageURL(url: $0.dataURL)) }
        messages = [Message(content: images + [Part(type: "text", text: request.prompt, imageURL: nil)])]
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

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
        }
    }

    struct ErrorBody: Decodable {
        let code: String?
        let message: String?
    }

    /// Characters of new text this chunk carries.
    var hasContent: Bool { choices?.contains { !($0.delta?.content ?? "").isEmpty } ?? false }
    var finished: Bool { choices?.contains { $0.finishReason != nil } ?? false }
}
