/// A Prometheus histogram: cumulative counts over fixed upper bounds, a sum and a count.
public struct Histogram: Sendable, Equatable {
    /// Upper bounds in seconds, ascending; `+Inf` is implied.
    public let bounds: [Double]
    /// Observations ≤ each bound (not cumulative here; the exposition adds them up).
    public private(set) var counts: [Int]
    public private(set) var sum: Double = 0
    public private(set) var count = 0

    public init(bounds: [Double]) {
        self.bounds = bounds
        counts = Array(repeating: 0, count: bounds.count)
    }

    /// Records `value` `times` times (a PARTIAL that carries several tokens).
    public mutating func observe(_ value: Double, times: Int = 1) {
        guard times > 0, value.isFinite else { return }
        if let bucket = bounds.firstIndex(where: { value <= $0 }) { counts[bucket] += times }
        sum += value * Double(times)
        count += times
    }

    // Buckets in the style of vLLM's.
    public static let timeToFirstToken = Histogram(bounds: [
        0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
    ])
    public static let interTokenLatency = Histogram(bounds: [
        0.001, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
    ])
    public static let endToEndLatency = Histogram(bounds: [
        0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680,
    ])
}
