/// PARTIAL: what one request produced since its previous PARTIAL. A delta, never the text so far.
public struct Partial: Sendable, Equatable {
    public var requestId: String
    /// Tokens generated for the request so far, these included.
    public var completionTokens: Int
    /// The token ids generated since the previous PARTIAL.
    public var tokens: [Int32]
    /// The text those tokens add; may lag the tokens (incomplete characters, possible stop strings).
    public var text: String
    /// Empty unless the request asked for log-probabilities; then one per token of `tokens`, in order.
    public var logprobs: [TokenLogprob]
    /// Prompt tokens' log-probabilities, in prompt order, when the request asked (`promptLogprobs`):
    /// sent before any generated token, chunk by chunk as the prompt is computed. The prompt's first
    /// token has none: its entry has logprob 0 and no top list, and only its bytes mean anything.
    public var promptLogprobs: [TokenLogprob]

    public init(
        requestId: String, completionTokens: Int, tokens: [Int32], text: String, logprobs: [TokenLogprob] = [],
        promptLogprobs: [TokenLogprob] = []
    ) {
        self.requestId = requestId
        self.completionTokens = completionTokens
        self.tokens = tokens
        self.text = text
        self.logprobs = logprobs
        self.promptLogprobs = promptLogprobs
    }
}

/// One generated token's log-probability, with those of the most likely tokens at its step.
public struct TokenLogprob: Sendable, Equatable {
    /// The token's bytes as the tokenizer gives them: possibly part of a UTF-8 character.
    public var bytes: [UInt8]
    public var logprob: Float
    /// Most likely first; as many as the request asked (`SamplingParameters.logprobs`).
    public var top: [TopLogprob]

    public init(bytes: [UInt8], logprob: Float, top: [TopLogprob] = []) {
        self.bytes = bytes
        self.logprob = logprob
        self.top = top
    }

    public struct TopLogprob: Sendable, Equatable {
        public var bytes: [UInt8]
        public var logprob: Float

        public init(bytes: [UInt8], logprob: Float) {
            self.bytes = bytes
            self.logprob = logprob
        }
    }
}

extension Partial {
    func encode(to writer: inout WireWriter) {
        writer.writeString(requestId)
        writer.writeInt(completionTokens)
        writer.writeList(tokens) { $0.writeInt32($1) }
        writer.writeString(text)
        writer.writeList(logprobs) { $1.encode(to: &$0) }
        writer.writeList(promptLogprobs) { $1.encode(to: &$0) }
    }

    init(from reader: inout WireReader) throws(WireError) {
        requestId = try reader.readName("request_id")
        completionTokens = try reader.readInt("completion_tokens")
        tokens = try reader.readList("tokens", limit: reader.limits.maxTokenIds) {
            (reader: inout WireReader) throws(WireError) in try reader.readInt32("tokens")
        }
        text = try reader.readText("text")
        logprobs = try reader.readList("logprobs", limit: reader.limits.maxTokenIds) {
            (reader: inout WireReader) throws(WireError) in try TokenLogprob(from: &reader, field: "logprobs")
        }
        guard logprobs.isEmpty || logprobs.count == tokens.count else {
            throw .overLimit(field: "logprobs", value: UInt64(logprobs.count), limit: tokens.count)
        }
        promptLogprobs = try reader.readList("prompt_logprobs", limit: reader.limits.maxTokenIds) {
            (reader: inout WireReader) throws(WireError) in try TokenLogprob(from: &reader, field: "prompt_logprobs")
        }
    }
}

extension TokenLogprob {
    func encode(to writer: inout WireWriter) {
        writer.writeBytes(bytes)
        writer.writeFloat(logprob)
        writer.writeList(top) { writer, top in
            writer.writeBytes(top.bytes)
            writer.writeFloat(top.logprob)
        }
    }

    init(from reader: inout WireReader, field: String) throws(WireError) {
        bytes = try reader.readBytes(field + ".bytes", limit: reader.limits.maxTokenBytes)
        logprob = try reader.readFloat(field + ".logprob")
        top = try reader.readList(field + ".top", limit: reader.limits.maxTopLogprobs) {
            (reader: inout WireReader) throws(WireError) in
            TokenLogprob.TopLogprob(
                bytes: try reader.readBytes(field + ".top.bytes", limit: reader.limits.maxTokenBytes),
                logprob: try reader.readFloat(field + ".top.logprob"))
        }
    }
}
