/// When a request was sent, and what arrived when, noted as it comes.
struct TokenTimeline: Sendable {
    let start: ContinuousClock.Instant
    private var firstToken: ContinuousClock.Instant?
    private var lastToken: ContinuousClock.Instant?
    private var gaps: [Duration] = []
    /// Tokens counted as they arrived, for when the end does not say.
    private(set) var tokensSeen = 0
    /// The answer's text so far: a conversation resends it as history.
    private(set) var text = ""

    init(start: ContinuousClock.Instant) {
        self.start = start
    }

    /// `count` tokens, adding `text`, arrived at `time`. Text may come without tokens (a held-back
    /// character completed), and tokens without text.
    mutating func tokensArrived(_ count: Int, text: String, at time: ContinuousClock.Instant) {
        self.text += text
        guard count > 0 else { return }
        if let lastToken { gaps.append(lastToken.duration(to: time)) } else { firstToken = time }
        lastToken = time
        tokensSeen += count
    }

    /// The request ended well at `end`. A request that produced no token has its first token at the end.
    func timing(end: ContinuousClock.Instant, inputTokens: Int, outputTokens: Int?, cachedTokens: Int?) -> RequestTiming {
        RequestTiming(
            timeToFirstToken: start.duration(to: firstToken ?? end), interTokenLatencies: gaps,
            latency: start.duration(to: end), inputTokens: inputTokens, outputTokens: outputTokens ?? tokensSeen,
            cachedTokens: cachedTokens, answer: text)
    }
}
