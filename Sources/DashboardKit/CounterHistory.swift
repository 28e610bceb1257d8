/// Running totals seen at successive polls, for the rates the HTTP API does not give: requests and
/// tokens per second over the last few seconds, errors over the last minute.
struct CounterHistory: Sendable {
    struct Totals: Sendable, Equatable {
        var requests: Double
        var tokens: Double
        var errors: Double
    }

    private var samples: [(time: Double, totals: Totals)] = []
    /// Seconds the rates are measured over.
    let rateSpan: Double
    static let errorSpan: Double = 60

    init(rateSpan: Double = 10) {
        self.rateSpan = rateSpan
    }

    /// Adds the totals read at `time` (seconds on a monotonic clock). A total that went down means
    /// the controller restarted: what came before is forgotten.
    mutating func add(_ totals: Totals, at time: Double) {
        if let last = samples.last?.totals,
            totals.requests < last.requests || totals.tokens < last.tokens || totals.errors < last.errors
        {
            samples.removeAll()
        }
        samples.append((time, totals))
        // Keep one sample at or past the longest span, so each window is covered whole.
        while samples.count > 2, time - samples[1].time >= Self.errorSpan { samples.removeFirst() }
    }

    var requestsPerSecond: Double { rate(\.requests) }
    var tokensPerSecond: Double { rate(\.tokens) }

    /// Errors since the oldest sample within the last minute (since the first poll, early on).
    var errorsLastMinute: Int {
        guard let last = samples.last, let first = samples.first(where: { last.time - $0.time <= Self.errorSpan }) ?? samples.first
        else { return 0 }
        return Int(last.totals.errors - first.totals.errors)
    }

    private func rate(_ value: KeyPath<Totals, Double>) -> Double {
        guard let last = samples.last,
            let first = samples.last(where: { last.time - $0.time >= rateSpan }) ?? samples.first,
            last.time > first.time
        else { return 0 }
        return (last.totals[keyPath: value] - first.totals[keyPath: value]) / (last.time - first.time)
    }
}
