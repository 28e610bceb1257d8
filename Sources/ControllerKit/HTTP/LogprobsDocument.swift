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
    /// Completions with `echo`: the prompt's entries first (offsets from `promptOffset` into the
    /// echoed prompt; with `startsPrompt`, the first is the prompt's first token, with `null`
    /// logprob and top list), then the generated ones (offsets from `textOffset`, past the prompt).
    case echoed(prompt: [TokenLogprob], promptOffset: Int, startsPrompt: Bool, generated: [TokenLogprob], textOffset: Int)

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .chat(let entries):
            var container = encoder.container(keyedBy: ChatKeys.self)
            try container.encode(entries.map(ChatEntry.init), forKey: .content)
        case .text(let entries, let start):
            try Self.encodeText(prompt: [], promptOffset: 0, none: false, generated: entries, textOffset: start, to: encoder)
        case .echoed(let prompt, let promptOffset, let startsPrompt, let generated, let textOffset):
            try Self.encodeText(
                prompt: prompt, promptOffset: promptOffset, none: startsPrompt && !prompt.isEmpty, generated: generated,
                textOffset: textOffset, to: encoder)
        }
    }

    private static func encodeText(
        prompt: [TokenLogprob], promptOffset: Int, none: Bool, generated: [TokenLogprob], textOffset: Int, to encoder: any Encoder
    ) throws {
        var container = encoder.container(keyedBy: TextKeys.self)
        let entries = prompt + generated
        let tokens = entries.map { Self.text($0.bytes) }
        try container.encode(tokens, forKey: .tokens)
        // `none`: the first is the prompt's first token, which follows nothing: no log-probability.
        try container.encode(entries.enumerated().map { i, entry in none && i == 0 ? nil : entry.logprob }, forKey: .tokenLogprobs)
        // The sampled token is always among them, as OpenAI's legacy API says.
        try container.encode(entries.enumerated().map { i, entry -> [String: Float]? in
            if none && i == 0 { return nil }
            var top: [String: Float] = [:]
            for t in entry.top { top[Self.text(t.bytes)] = top[Self.text(t.bytes)] ?? t.logprob }
            top[Self.text(entry.bytes)] = entry.logprob
            return top
        }, forKey: .topLogprobs)
        var offsets: [Int] = []
        for (start, part) in [(promptOffset, tokens.prefix(prompt.count)), (textOffset, tokens.dropFirst(prompt.count))] {
            var offset = start
            for token in part {
                offsets.append(offset)
                offset += token.unicodeScalars.count
            }
        }
        try container.encode(offsets, forKey: .textOffset)
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
