import LoomProtocol

/// STATUS_REPLY's counters. swift-metrics handles cannot be read back, so the relay tallies the
/// totals, rates and errors of the last minute that loom-top shows over ZeroMQ here as well.
struct StatusTally: Sendable {
    private var completed = 0, cancelled = 0, timedOut = 0, failed = 0
    private var tokensGenerated = 0
    private var errorsSent = MinuteCounter()
    private var window = RateWindow()

    mutating func count(_ outcome: RequestOutcome) {
        switch outcome {
        case .completed: completed += 1
        case .cancelled: cancelled += 1
        case .timedOut: timedOut += 1
        case .failed: failed += 1
        }
    }

    mutating func countTokens(_ tokens: Int) {
        tokensGenerated += tokens
    }

    /// An ERROR was sent to a client (for errors_last_minute).
    mutating func countError(at unixSecond: Int64) {
        errorsSent.add(at: unixSecond)
    }

    /// Called at each tick, for the rates.
    mutating func sample(at now: ContinuousClock.Instant) {
        window.sample(at: now, requests: completed + cancelled + timedOut + failed, tokens: tokensGenerated)
    }

    func counters(inFlight: Int, queueLength: Int, unixSecond: Int64) -> Counters {
        let rates = window.rates
        return Counters(
            completed: completed, cancelled: cancelled, timedOut: timedOut, failed: failed,
            tokensGenerated: tokensGenerated, requestsPerSecond: rates.requests, tokensPerSecond: rates.tokens,
            inFlight: inFlight, queueLength: queueLength, errorsLastMinute: errorsSent.total(at: unixSecond))
    }
}
