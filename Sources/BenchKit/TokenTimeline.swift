/// When a request was sent and when its tokens arrived, noted as they come.
struct TokenTimeline: Sendable {
    let start: ContinuousClock.Instant
    private var firstToken: ContinuousClock.Instant?
    private var lastToken: ContinuousClock.Instant?
    private var gaps: [Duration] = []
    /// Tokens counted as they arrived, for when the end does not say.
    private(set) var tokensSeen = 0

    init(start: ContinuousClock.Instant) {
        self.start = start
    }

    /// `count` tokens arrived at `time`.
    mutating func tokensArrived(_ count: Int, at time: ContinuousClock.Instant) {
        guard count > 0 else { return }
        if let lastToken { gaps.append(lastToken.duration(to: time)) } else { firstToken = time }
        lastToken = time
        tokensSeen += count
    }

    /// The request ended well at `end`. A request that produced no token has its first token at the end.
    func timing(end: ContinuousClock.Instant, inputTokens: Int, outputTokens: Int?) -> RequestTiming {
        RequestTiming(
            timeToFirstToken: start.duration(to: firstToken ?? end), interTokenLatencies: gaps,
            latency: start.duration(to: end), inputTokens: inputTokens, outputTokens: outputTokens ?? tokensSeen)
    }
}
