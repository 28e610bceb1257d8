import LoomProtocol

/// The sampling fields OpenAI-compatible servers take, in the request body beside the prompt.
struct SamplingFields: Decodable {
    var maxTokens: Int?
    var maxCompletionTokens: Int?
    var temperature: Double?
    var topP: Double?
    var topK: Int?
    var minP: Double?
    var frequencyPenalty: Double?
    var presencePenalty: Double?
    var repetitionPenalty: Double?
    var seed: Int64?
    var stop: StopField?
    var n: Int?
    var ignoreEos: Bool?

    enum CodingKeys: String, CodingKey {
        case maxTokens = "max_tokens", maxCompletionTokens = "max_completion_tokens", temperature
        case topP = "top_p", topK = "top_k", minP = "min_p", frequencyPenalty = "frequency_penalty"
        case presencePenalty = "presence_penalty", repetitionPenalty = "repetition_penalty", seed, stop, n
        case ignoreEos = "ignore_eos"
    }

    /// `stop`: one string or a list of them.
    struct StopField: Decodable {
        let strings: [String]

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let string = try? container.decode(String.self) {
                strings = [string]
            } else {
                strings = try container.decode([String].self)
            }
        }
    }

    /// The wire's parameters, each checked; neutral values where a field is absent.
    func parameters(defaultMaxTokens: Int, limits: WireLimits) throws(APIError) -> SamplingParameters {
        guard n ?? 1 == 1 else { throw APIError(.badRequest, "only n = 1 is supported") }
        let maxTokens = maxCompletionTokens ?? self.maxTokens ?? defaultMaxTokens
        guard maxTokens >= 1 else { throw APIError(.badRequest, "max_tokens must be at least 1") }
        let stop = stop?.strings ?? []
        guard stop.count <= limits.maxStopStrings else {
            throw APIError(.badRequest, "at most \(limits.maxStopStrings) stop strings are allowed")
        }
        guard stop.allSatisfy({ !$0.isEmpty && $0.utf8.count <= limits.maxNameBytes }) else {
            throw APIError(.badRequest, "stop strings must be 1 to \(limits.maxNameBytes) bytes")
        }
        return SamplingParameters(
            maxTokens: maxTokens,
            temperature: try Self.check(temperature ?? 1, "temperature", 0...1000),
            topK: max(0, topK ?? 0),
            topP: try Self.check(topP ?? 1, "top_p", .ulpOfOne...1),
            minP: try Self.check(minP ?? 0, "min_p", 0...1),
            repetitionPenalty: try Self.check(repetitionPenalty ?? 1, "repetition_penalty", .ulpOfOne...1000),
            frequencyPenalty: try Self.check(frequencyPenalty ?? 0, "frequency_penalty", -2...2),
            presencePenalty: try Self.check(presencePenalty ?? 0, "presence_penalty", -2...2),
            seed: seed.map { UInt64(bitPattern: $0) },
            stop: stop,
            ignoreEOS: ignoreEos ?? false)
    }

    private static func check(_ value: Double, _ name: String, _ range: ClosedRange<Double>) throws(APIError) -> Float {
        guard range.contains(value) else {
            throw APIError(.badRequest, "\(name) must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return Float(value)
    }
}
