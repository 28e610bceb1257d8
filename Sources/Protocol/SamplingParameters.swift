/// How tokens are chosen. The neutral value of each knob turns it off.
public struct SamplingParameters: Sendable, Equatable {
    public var maxTokens: Int
    /// 0 = greedy.
    public var temperature: Float
    /// 0 = off.
    public var topK: Int
    /// 1 = off.
    public var topP: Float
    /// 0 = off.
    public var minP: Float
    /// 1 = off.
    public var repetitionPenalty: Float
    /// 0 = off.
    public var frequencyPenalty: Float
    /// 0 = off.
    public var presencePenalty: Float
    /// nil = the worker picks one.
    public var seed: UInt64?
    /// Generation ends before any of these; the stop string itself is not sent.
    public var stop: [String]
    /// Go on past the end-of-sequence token (benchmarks).
    public var ignoreEOS: Bool
    /// nil = no log-probabilities; otherwise every token's, with this many (0 to
    /// `WireLimits.maxTopLogprobs`) of the most likely tokens' beside it, in the PARTIALs.
    public var logprobs: Int?
    /// Added to the named tokens' logits before penalties and sampling; at most
    /// `WireLimits.maxLogitBiases` entries. A token id past the model's vocabulary fails the request.
    public var logitBias: [LogitBias] = []
    /// With `logprobs`: the prompt tokens' log-probabilities too, in PARTIALs' `prompt_logprobs`
    /// before any generated token (the request then bypasses the prefix cache).
    public var promptLogprobs = false
    /// nil = free; otherwise a GBNF grammar (llama.cpp's syntax, rule `root`) the generated text
    /// must follow: structured output, constrained tool calls.
    public var grammar: String?

    public init(
        maxTokens: Int = 256, temperature: Float = 1, topK: Int = 0, topP: Float = 1, minP: Float = 0,
        repetitionPenalty: Float = 1, frequencyPenalty: Float = 0, presencePenalty: Float = 0,
        seed: UInt64? = nil, stop: [String] = [], ignoreEOS: Bool = false, logprobs: Int? = nil,
        grammar: String? = nil
    ) {
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.frequencyPenalty = frequencyPenalty
        self.presencePenalty = presencePenalty
        self.seed = seed
        self.stop = stop
        self.ignoreEOS = ignoreEOS
        self.logprobs = logprobs
        self.grammar = grammar
    }
}

extension SamplingParameters {
    func encode(to writer: inout WireWriter) {
        writer.writeInt(maxTokens)
        writer.writeFloat(temperature)
        writer.writeInt(topK)
        writer.writeFloat(topP)
        writer.writeFloat(minP)
        writer.writeFloat(repetitionPenalty)
        writer.writeFloat(frequencyPenalty)
        writer.writeFloat(presencePenalty)
        writer.writeOptional(seed) { $0.writeFixed64($1) }
        writer.writeList(stop) { $0.writeString($1) }
        writer.writeBool(ignoreEOS)
        writer.writeOptional(logprobs) { $0.writeInt($1) }
        writer.writeList(logitBias) { writer, entry in
            writer.writeInt32(entry.token)
            writer.writeFloat(entry.bias)
        }
        writer.writeBool(promptLogprobs)
        writer.writeOptional(grammar) { $0.writeString($1) }
    }

    init(from reader: inout WireReader) throws(WireError) {
        maxTokens = try reader.readInt("max_tokens")
        temperature = try reader.readFloat("temperature")
        topK = try reader.readInt("top_k")
        topP = try reader.readFloat("top_p")
        minP = try reader.readFloat("min_p")
        repetitionPenalty = try reader.readFloat("repetition_penalty")
        frequencyPenalty = try reader.readFloat("frequency_penalty")
        presencePenalty = try reader.readFloat("presence_penalty")
        seed = try reader.readOptional("seed") { (reader: inout WireReader) throws(WireError) in
            try reader.readFixed64("seed")
        }
        stop = try reader.readList("stop", limit: reader.limits.maxStopStrings) {
            (reader: inout WireReader) throws(WireError) in try reader.readName("stop")
        }
        ignoreEOS = try reader.readBool("ignore_eos")
        logprobs = try reader.readOptional("logprobs") { (reader: inout WireReader) throws(WireError) in
            let count = try reader.readInt("logprobs")
            guard count <= reader.limits.maxTopLogprobs else {
                throw .overLimit(field: "logprobs", value: UInt64(count), limit: reader.limits.maxTopLogprobs)
            }
            return count
        }
        logitBias = try reader.readList("logit_bias", limit: reader.limits.maxLogitBiases) {
            (reader: inout WireReader) throws(WireError) in
            LogitBias(token: try reader.readInt32("logit_bias.token"), bias: try reader.readFloat("logit_bias.bias"))
        }
        promptLogprobs = try reader.readBool("prompt_logprobs")
        grammar = try reader.readOptional("grammar") { (reader: inout WireReader) throws(WireError) in
            try reader.readString("grammar", limit: reader.limits.maxGrammarBytes)
        }
    }
}
