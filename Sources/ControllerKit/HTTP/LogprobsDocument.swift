import LoomProtocol

/// A choice's `logprobs`, in each endpoint's format, for the tokens of one document or one chunk.
/// A token's text is its bytes as UTF-8, lossily (a piece of a character shows as U+FFFD); the chat
/// format gives the exact bytes beside it.
enum LogprobsDocument: Encodable {
    /// Chat: `{"content": [{token, logprob, bytes, top_logprobs: [{token, logprob, bytes}]}]}`.
    case chat([TokenLogprob])
    /// Completions: `{tokens, token_logprobs, top_logprobs: [{token: logprob}], text_offset}`, the
    /// offsets in Unicode scalars into the generated text, counted from `textOffset`.
    case text([TokenLogprob], textOffset: Int)

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .chat(let entries):
            var container = encoder.container(keyedBy: ChatKeys.self)
            try container.encode(entries.map(ChatEntry.init), forKey: .content)
        case .text(let entries, let start):
            var container = encoder.container(keyedBy: TextKeys.self)
            let tokens = entries.map { Self.text($0.bytes) }
            try container.encode(tokens, forKey: .tokens)
            try container.encode(entries.map(\.logprob), forKey: .tokenLogprobs)
            // The sampled token is always among them, as OpenAI's legacy API says.
            try container.encode(entries.map { entry in
                var top: [String: Float] = [:]
                for t in entry.top { top[Self.text(t.bytes)] = top[Self.text(t.bytes)] ?? t.logprob }
                top[Self.text(entry.bytes)] = entry.logprob
                return top
            }, forKey: .topLogprobs)
            var offset = start
            var offsets: [Int] = []
            for token in tokens {
                offsets.append(offset)
                offset += token.unicodeScalars.count
            }
            try container.encode(offsets, forKey: .textOffset)
        }
    }

    /// Unicode scalars the entries' tokens add to the text, for the next chunk's offsets.
    static func scalarCount(_ entries: [TokenLogprob]) -> Int {
        entries.reduce(0) { $0 + text($1.bytes).unicodeScalars.count }
    }

    private enum ChatKeys: String, CodingKey { case content }

    private enum TextKeys: String, CodingKey {
        case tokens, tokenLogprobs = "token_logprobs", topLogprobs = "top_logprobs", textOffset = "text_offset"
    }

    private struct ChatEntry: Encodable {
        let token: String
        let logprob: Float
        let bytes: [UInt8]
        let topLogprobs: [ChatTop]

        init(_ entry: TokenLogprob) {
            token = LogprobsDocument.text(entry.bytes)
            logprob = entry.logprob
            bytes = entry.bytes
            topLogprobs = entry.top.map { ChatTop(token: LogprobsDocument.text($0.bytes), logprob: $0.logprob, bytes: $0.bytes) }
        }

        enum CodingKeys: String, CodingKey { case token, logprob, bytes, topLogprobs = "top_logprobs" }
    }

    private struct ChatTop: Encodable {
        let token: String
        let logprob: Float
        let bytes: [UInt8]
    }
}
