import LoomProtocol

/// The body of `POST /v1/chat/completions`, as far as Loom reads it.
struct ChatCompletionBody: CompletionRequestBody {
    var model: String
    var messages: [Message]
    var stream: Bool?
    var streamOptions: StreamOptions?
    var sampling: SamplingFields
    /// `logprobs: true`: nil, or how many of the most likely tokens (`top_logprobs`) each token's
    /// log-probability comes with.
    var logprobs: Int?
    var tools: ToolFields
    /// `response_format` or `grammar`: GBNF the answer must follow.
    var structuredOutput: StructuredOutputFields

    enum CodingKeys: String, CodingKey {
        case model, messages, stream, logprobs
        case streamOptions = "stream_options", topLogprobs = "top_logprobs"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        messages = try container.decode([Message].self, forKey: .messages)
        stream = try container.decodeIfPresent(Bool.self, forKey: .stream)
        streamOptions = try container.decodeIfPresent(StreamOptions.self, forKey: .streamOptions)
        sampling = try SamplingFields(from: decoder)
        _ = try UnsupportedOutputFields(from: decoder)
        let asked = try container.decodeIfPresent(Bool.self, forKey: .logprobs) ?? false
        let top = try container.decodeInteger(Int.self, forKey: .topLogprobs, in: 0...WireLimits.default.maxTopLogprobs)
        if top != nil, !asked {
            throw InvalidField(container.codingPath + [CodingKeys.topLogprobs], "requires logprobs to be true")
        }
        logprobs = asked ? top ?? 0 : nil
        tools = try ToolFields(from: decoder)
        structuredOutput = try StructuredOutputFields(from: decoder)
        if structuredOutput.grammar != nil, tools.choice.requiredTools(of: tools.tools) != nil {
            throw InvalidField(decoder.codingPath + [ToolFields.CodingKeys.toolChoice], "a required tool call cannot be combined with response_format or grammar")
        }
    }

    struct Message: Decodable {
        var role: String
        var content: Content?
        var toolCalls: [MessageToolCall]?
        var toolCallID: String?

        enum CodingKeys: String, CodingKey {
            case role, content
            case toolCalls = "tool_calls", toolCallID = "tool_call_id"
        }
    }

    /// An assistant message's `tool_calls[i]`, sent back in the history.
    struct MessageToolCall: Decodable {
        var id: String
        var function: Function
        struct Function: Decodable {
            var name: String
            var arguments: String
        }
    }

    /// A message's `content`: a string, or a list of parts.
    enum Content: Decodable {
        case text(String)
        case parts([Part])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else if (try? container.decode([AnyJSON].self)) == nil {
                throw InvalidField(decoder.codingPath, "must be a string or a list of content parts")
            } else {
                self = .parts(try container.decode([Part].self))
            }
        }
    }


    struct Part: Decodable {
        var type: String
        var text: String?
        var imageURL: ImageURL?

        enum CodingKeys: String, CodingKey {
            case type, text
            case imageURL = "image_url"
        }
    }

    /// `image_url`: `{"url": …}`, or the URL alone as some clients send it.
    struct ImageURL: Decodable {
        var url: String

        enum CodingKeys: String, CodingKey { case url }

        init(from decoder: any Decoder) throws {
            if let url = try? decoder.singleValueContainer().decode(String.self) {
                self.url = url
            } else {
                url = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .url)
            }
        }
    }

    /// The wire request: chat messages, images decoded into body frames.
    func generationRequest(_ configuration: ControllerConfiguration) throws(APIError) -> GenerationRequest {
        guard !messages.isEmpty else { throw APIError(.badRequest, "messages must not be empty", param: "messages") }
        var images: [[UInt8]] = []
        var chat: [ChatMessage] = []
        for (index, message) in messages.enumerated() {
            var parts: [ContentPart] = []
            switch message.content {
            case .text(let text)?:
                parts.append(.text(text))
            case .parts(let given)?:
                for part in given {
                    parts.append(try contentPart(part, message: index, images: &images, configuration))
                }
            case nil:
                break
            }
            let calls = (message.toolCalls ?? []).map { ToolCall(id: $0.id, name: $0.function.name, arguments: $0.function.arguments) }
            chat.append(ChatMessage(
                role: try Self.role(message.role, message: index), parts: parts, toolCalls: calls, toolCallID: message.toolCallID))
        }
        let limits = configuration.limits
        guard images.count <= limits.maxBodyFrames else {
            throw APIError(.badRequest, "at most \(limits.maxBodyFrames) images are allowed in one request")
        }
        guard images.reduce(0, { $0 + $1.count }) <= limits.maxTotalBodyBytes else {
            throw APIError(.badImage, "the images add up to more than \(limits.maxTotalBodyBytes) bytes")
        }
        var parameters = try sampling.parameters(defaultMaxTokens: configuration.defaultMaxTokens, limits: limits)
        parameters.logprobs = logprobs
        parameters.grammar = structuredOutput.grammar
        return GenerationRequest(
            id: "", model: model, prompt: .chat(chat), sampling: parameters, images: images,
            tools: tools.tools, toolChoice: tools.choice)
    }

    private func contentPart(
        _ part: Part, message: Int, images: inout [[UInt8]], _ configuration: ControllerConfiguration
    ) throws(APIError) -> ContentPart {
        switch part.type {
        case "text":
            guard let text = part.text else {
                throw APIError(.badRequest, "messages[\(message)]: a text part needs 'text'", param: "messages[\(message)].content")
            }
            return .text(text)
        case "image_url":
            guard let url = part.imageURL?.url else {
                throw APIError(
                    .badRequest, "messages[\(message)]: an image_url part needs 'image_url.url'",
                    param: "messages[\(message)].content")
            }
            images.append(try ImageDataURL.decode(url, maxBytes: configuration.maxImageBytes))
            return .image(images.count - 1)
        default:
            throw APIError(
                .badRequest, "messages[\(message)]: content parts of type '\(part.type)' are not supported",
                param: "messages[\(message)].content")
        }
    }

    private static func role(_ name: String, message: Int) throws(APIError) -> Role {
        switch name {
        case "system", "developer": return .system
        case "user": return .user
        case "assistant": return .assistant
        case "tool": return .tool
        default:
            throw APIError(.badRequest, "messages[\(message)]: role '\(name)' is not supported", param: "messages[\(message)].role")
        }
    }
}
