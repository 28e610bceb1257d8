import LoomProtocol

/// The body of `POST /v1/completions`: a raw prompt.
struct CompletionBody: CompletionRequestBody {
    var model: String
    var prompt: String
    var stream: Bool?
    var streamOptions: StreamOptions?
    var sampling: SamplingFields
    /// `logprobs`: how many of the most likely tokens each token's log-probability comes with
    /// (OpenAI takes 0 to 5; up to 20 here).
    var logprobs: Int?
    /// `echo`: the prompt comes first in each choice's text.
    var echo: Bool
    /// `response_format` or `grammar`, as on chat completions.
    var structuredOutput: StructuredOutputFields

    var echoText: String? { echo ? prompt : nil }

    enum CodingKeys: String, CodingKey {
        case model, prompt, stream, logprobs, echo
        case streamOptions = "stream_options"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        // A string, or a list holding one (OpenAI's batch form, one prompt at a time here).
        if let prompt = try? container.decode(String.self, forKey: .prompt) {
            self.prompt = prompt
        } else if let prompts = try? container.decode([String].self, forKey: .prompt), prompts.count == 1 {
            prompt = prompts[0]
        } else if container.contains(.prompt) {
            throw InvalidField(container.codingPath + [CodingKeys.prompt], "must be a string or a list of one string")
        } else {
            throw DecodingError.keyNotFound(CodingKeys.prompt, .init(codingPath: container.codingPath, debugDescription: ""))
        }
        stream = try container.decodeIfPresent(Bool.self, forKey: .stream)
        streamOptions = try container.decodeIfPresent(StreamOptions.self, forKey: .streamOptions)
        sampling = try SamplingFields(from: decoder)
        logprobs = try container.decodeInteger(Int.self, forKey: .logprobs, in: 0...WireLimits.default.maxTopLogprobs)
        echo = try container.decodeIfPresent(Bool.self, forKey: .echo) ?? false
        structuredOutput = try StructuredOutputFields(from: decoder)
    }

    func generationRequest(_ configuration: ControllerConfiguration) throws(APIError) -> GenerationRequest {
        var parameters = try sampling.parameters(defaultMaxTokens: configuration.defaultMaxTokens, limits: configuration.limits)
        parameters.logprobs = logprobs
        // echo with logprobs: the prompt tokens' log-probabilities come first.
        parameters.promptLogprobs = echo && logprobs != nil
        parameters.grammar = structuredOutput.grammar
        return GenerationRequest(id: "", model: model, prompt: .text(prompt), sampling: parameters)
    }
}
