import LoomProtocol

/// The body of `POST /v1/completions`: a raw prompt.
struct CompletionBody: CompletionRequestBody {
    var model: String
    var prompt: String
    var stream: Bool?
    var streamOptions: StreamOptions?
    var sampling: SamplingFields

    enum CodingKeys: String, CodingKey {
        case model, prompt, stream
        case streamOptions = "stream_options"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        // A string, or a list holding one (OpenAI's batch form, one prompt at a time here).
        if let prompt = try? container.decode(String.self, forKey: .prompt) {
            self.prompt = prompt
        } else {
            let prompts = try container.decode([String].self, forKey: .prompt)
            guard prompts.count == 1 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .prompt, in: container, debugDescription: "exactly one prompt is supported")
            }
            prompt = prompts[0]
        }
        stream = try container.decodeIfPresent(Bool.self, forKey: .stream)
        streamOptions = try container.decodeIfPresent(StreamOptions.self, forKey: .streamOptions)
        sampling = try SamplingFields(from: decoder)
    }

    func generationRequest(_ configuration: ControllerConfiguration) throws(APIError) -> GenerationRequest {
        GenerationRequest(
            id: "", model: model, prompt: .text(prompt),
            sampling: try sampling.parameters(defaultMaxTokens: configuration.defaultMaxTokens, limits: configuration.limits))
    }
}
