import LoomProtocol

/// The sampling fields OpenAI-compatible servers take, in the request body beside the prompt; each
/// number checked against its range as it is read (`InvalidField` names the field).
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
    var seed: UInt64?
    var stop: StopField?
    var ignoreEos: Bool?
    /// `n`: how many choices (1…`maxChoices`), each generated on its own.
    var n: Int
    var logitBias: LogitBiasField?

    /// The most choices one request may ask for (`n`).
    static let maxChoices = 8

    /// The largest `max_tokens` and `top_k` taken: far past any context, small enough for any count.
    static let largestCount = Int(Int32.max)

    enum CodingKeys: String, CodingKey {
        case maxTokens = "max_tokens", maxCompletionTokens = "max_completion_tokens", temperature
        case topP = "top_p", topK = "top_k", minP = "min_p", frequencyPenalty = "frequency_penalty"
        case presencePenalty = "presence_penalty", repetitionPenalty = "repetition_penalty", seed, stop, n
        case ignoreEos = "ignore_eos"
        case bestOf = "best_of", logitBias = "logit_bias"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        maxTokens = try container.decodeInteger(Int.self, forKey: .maxTokens, in: 1...Self.largestCount)
        maxCompletionTokens = try container.decodeInteger(Int.self, forKey: .maxCompletionTokens, in: 1...Self.largestCount)
        temperature = try container.decodeNumber(forKey: .temperature, in: 0...1000)
        topP = try container.decodeNumber(forKey: .topP, in: 0...1, above: true)
        topK = try container.decodeInteger(
            Int.self, forKey: .topK, in: 0...Self.largestCount,
            "must be an integer between 0 (off) and \(Self.largestCount)")
        minP = try container.decodeNumber(forKey: .minP, in: 0...1)
        frequencyPenalty = try container.decodeNumber(forKey: .frequencyPenalty, in: -2...2)
        presencePenalty = try container.decodeNumber(forKey: .presencePenalty, in: -2...2)
        repetitionPenalty = try container.decodeNumber(forKey: .repetitionPenalty, in: 0...1000, above: true)
        // -1 is "no seed" to llama.cpp's server and the clients written for it: accept it as such.
        if (try? container.decodeIfPresent(Int64.self, forKey: .seed)) == -1 {
            seed = nil
        } else {
            seed = try container.decodeInteger(
                UInt64.self, forKey: .seed, in: 0...UInt64.max,
                "must be an integer between 0 and \(UInt64.max), or -1 for none")
        }
        n = try container.decodeInteger(Int.self, forKey: .n, in: 1...Self.maxChoices) ?? 1
        // best_of generates several and returns the likeliest: not done here, so refused rather than ignored.
        if container.contains(.bestOf), !(try container.decodeNil(forKey: .bestOf)),
            (try? container.decode(Int.self, forKey: .bestOf)) != 1
        {
            throw InvalidField(container.codingPath + [CodingKeys.bestOf], "is not supported (only 1): use n for several choices")
        }
        logitBias = try container.decodeIfPresent(LogitBiasField.self, forKey: .logitBias)
        stop = try container.decodeIfPresent(StopField.self, forKey: .stop)
        ignoreEos = try container.decodeIfPresent(Bool.self, forKey: .ignoreEos)
    }

    /// `stop`: one string or a list of them.
    struct StopField: Decodable {
        let strings: [String]

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let string = try? container.decode(String.self) {
                strings = [string]
            } else if let strings = try? container.decode([String].self) {
                self.strings = strings
            } else {
                throw InvalidField(decoder.codingPath, "must be a string or a list of strings")
            }
        }
    }

    /// The wire's parameters; neutral values where a field is absent.
    func parameters(defaultMaxTokens: Int, limits: WireLimits) throws(APIError) -> SamplingParameters {
        let stop = stop?.strings ?? []
        guard stop.count <= limits.maxStopStrings else {
            throw APIError(.badRequest, "stop: at most \(limits.maxStopStrings) stop strings are allowed", param: "stop")
        }
        guard stop.allSatisfy({ !$0.isEmpty && $0.utf8.count <= limits.maxNameBytes }) else {
            throw APIError(.badRequest, "stop: each stop string must be 1 to \(limits.maxNameBytes) bytes", param: "stop")
        }
        var parameters = SamplingParameters(
            maxTokens: maxCompletionTokens ?? maxTokens ?? defaultMaxTokens,
            temperature: Float(temperature ?? 1),
            topK: topK ?? 0,
            // A positive value stays positive as a Float: 1e-50 is not 0.
            topP: max(Float(topP ?? 1), .leastNormalMagnitude),
            minP: Float(minP ?? 0),
            repetitionPenalty: max(Float(repetitionPenalty ?? 1), .leastNormalMagnitude),
            frequencyPenalty: Float(frequencyPenalty ?? 0),
            presencePenalty: Float(presencePenalty ?? 0),
            seed: seed,
            stop: stop,
            ignoreEOS: ignoreEos ?? false)
        let biases = logitBias?.entries ?? []
        guard biases.count <= limits.maxLogitBiases else {
            throw APIError(.badRequest, "logit_bias may hold at most \(limits.maxLogitBiases) tokens", param: "logit_bias")
        }
        parameters.logitBias = biases
        return parameters
    }
}
