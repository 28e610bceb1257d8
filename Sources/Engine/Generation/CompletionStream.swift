/// One sequence's output as it is generated: sampled tokens in, UTF-8-safe text deltas out, and the
/// decision that the output has ended (end-of-generation token, a stop string, or the token limit).
/// Every generation path runs through it, serving and `loom-worker generate` alike.
public struct CompletionStream: Sendable {
    /// Why the output ended.
    public enum Ending: Sendable, Equatable {
        /// The model produced an end-of-generation token (not part of the output).
        case endOfGeneration
        /// A stop string appeared; the text before it was emitted, the stop string was not.
        case stopString
        /// The sequence generated its `maxTokens`.
        case maxTokens
        /// The grammar constraining the output admits nothing more (or nothing at all).
        case grammarComplete
    }

    /// What one token added.
    public struct Delta: Sendable, Equatable {
        /// Text to emit now: possibly empty (half a character, or a possible stop string held back).
        public var text: String
        /// The token, when it is part of the output (an end-of-generation token is not).
        public var token: Int32?
        /// Set when the output ended with this token.
        public var ending: Ending?
    }

    public let conditions: StopConditions
    /// Tokens this sequence may generate: `conditions.maxTokens`, or less where the context is shorter.
    public let maxTokens: Int
    private let tokenizer: Tokenizer
    private var detokenizer: StreamingDetokenizer
    private var stops: StopMatcher
    /// Output tokens so far.
    public private(set) var tokenCount = 0
    public private(set) var ending: Ending?

    public init(tokenizer: Tokenizer, conditions: StopConditions, maxTokens: Int? = nil) {
        self.tokenizer = tokenizer
        self.conditions = conditions
        self.maxTokens = max(1, min(maxTokens ?? conditions.maxTokens, conditions.maxTokens))
        detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        stops = StopMatcher(conditions.stopStrings)
    }

    /// Takes the next sampled token. After the output ended, nothing more is taken.
    public mutating func append(_ token: Int32) -> Delta {
        guard ending == nil else { return Delta(text: "", token: nil, ending: ending) }
        if tokenizer.isEndOfGeneration(token) && !conditions.ignoreEndOfGeneration {
            return Delta(text: finish(.endOfGeneration), token: nil, ending: .endOfGeneration)
        }
        tokenCount += 1
        switch stops.feed(detokenizer.append(token)) {
        case .stopped(let text):
            ending = .stopString
            return Delta(text: text, token: token, ending: .stopString)
        case .text(let text):
            guard tokenCount >= maxTokens else { return Delta(text: text, token: token, ending: nil) }
            return Delta(text: text + finish(.maxTokens), token: token, ending: .maxTokens)
        }
    }

    /// Ends the output because its grammar is complete: what was held back.
    public mutating func completeGrammar() -> String {
        guard ending == nil else { return "" }
        return finish(.grammarComplete)
    }

    /// Ends the output and returns what was held back: the bytes of an unfinished character, and text
    /// that might have begun a stop string.
    private mutating func finish(_ why: Ending) -> String {
        ending = why
        return stops.feed(detokenizer.flush()).emittedText + stops.flush()
    }
}

extension StopMatcher.Outcome {
    /// The text to emit, whether or not a stop string matched.
    public var emittedText: String {
        switch self {
        case .text(let t), .stopped(let t): t
        }
    }
}
