import LoomProtocol

/// What the controller counts and times, kept on the socket thread and copied into each snapshot.
public struct ControllerMetrics: Sendable {
    /// Requests ended, by `RequestOutcome.label`.
    public private(set) var outcomes: [String: Int] = [:]
    /// Prompt tokens (images included) of requests that ended with FINAL.
    public private(set) var promptTokens = 0
    /// Tokens generated, counted as PARTIALs pass.
    public private(set) var generationTokens = 0
    /// From arrival at the controller to the first PARTIAL.
    public private(set) var timeToFirstToken = Histogram.timeToFirstToken
    /// Between PARTIALs of one request, per token they carry.
    public private(set) var interTokenLatency = Histogram.interTokenLatency
    /// From arrival at the controller to FINAL or ERROR.
    public private(set) var endToEndLatency = Histogram.endToEndLatency
    private var completed = 0, cancelled = 0, timedOut = 0, failed = 0
    private var errorsSent = MinuteCounter()
    private var window = RateWindow()

    public init() {}

    mutating func recordFirstToken(after wait: Duration) {
        timeToFirstToken.observe(wait.seconds)
    }

    /// `tokens` new tokens arrived `gap` after the previous PARTIAL of their request.
    mutating func recordTokens(_ tokens: Int, gap: Duration?) {
        guard tokens > 0 else { return }
        generationTokens += tokens
        if let gap { interTokenLatency.observe(gap.seconds / Double(tokens), times: tokens) }
    }

    mutating func recordPromptTokens(_ tokens: Int) {
        promptTokens += tokens
    }

    /// A request ended; `sentError` when the client was sent an ERROR (for errors_last_minute).
    mutating func recordEnd(_ outcome: RequestOutcome, after latency: Duration, sentError: Bool, unixSecond: Int64) {
        count(outcome)
        endToEndLatency.observe(latency.seconds)
        if sentError { errorsSent.add(at: unixSecond) }
    }

    /// A message refused before it became a request: counted, not timed.
    mutating func recordRejection(_ outcome: RequestOutcome, unixSecond: Int64) {
        count(outcome)
        errorsSent.add(at: unixSecond)
    }

    private mutating func count(_ outcome: RequestOutcome) {
        outcomes[outcome.label, default: 0] += 1
        switch outcome {
        case .completed: completed += 1
        case .cancelled: cancelled += 1
        case .timedOut: timedOut += 1
        case .failed: failed += 1
        }
    }

    /// Called at each tick, for the rates.
    mutating func sample(at now: ContinuousClock.Instant) {
        window.sample(at: now, requests: completed + cancelled + timedOut + failed, tokens: generationTokens)
    }

    /// STATUS_REPLY's counters.
    func counters(inFlight: Int, queueLength: Int, unixSecond: Int64) -> Counters {
        let rates = window.rates
        return Counters(
            completed: completed, cancelled: cancelled, timedOut: timedOut, failed: failed,
            tokensGenerated: generationTokens, requestsPerSecond: rates.requests, tokensPerSecond: rates.tokens,
            inFlight: inFlight, queueLength: queueLength, errorsLastMinute: errorsSent.total(at: unixSecond))
    }
}
