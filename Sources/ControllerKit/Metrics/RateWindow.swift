/// Rates of two running totals (requests ended, tokens generated) over the last few seconds, from
/// samples taken at each tick.
struct RateWindow: Sendable {
    private struct Sample {
        var time: ContinuousClock.Instant
        var requests: Int
        var tokens: Int
    }

    private var samples: [Sample] = []
    let span: Duration

    init(span: Duration = .seconds(10)) {
        self.span = span
    }

    mutating func sample(at time: ContinuousClock.Instant, requests: Int, tokens: Int) {
        samples.append(Sample(time: time, requests: requests, tokens: tokens))
        // Keep one sample older than the span, so the window always covers all of it.
        while samples.count > 2, samples[1].time.duration(to: time) >= span { samples.removeFirst() }
    }

    /// Requests and tokens per second between the oldest and newest samples.
    var rates: (requests: Double, tokens: Double) {
        guard let first = samples.first, let last = samples.last else { return (0, 0) }
        let seconds = first.time.duration(to: last.time).seconds
        guard seconds > 0 else { return (0, 0) }
        return (Double(last.requests - first.requests) / seconds, Double(last.tokens - first.tokens) / seconds)
    }
}
