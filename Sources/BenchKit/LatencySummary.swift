import Histogram

/// Mean, spread and percentiles of one latency, in milliseconds. Percentiles and the maximum come
/// from an HdrHistogram of microseconds (three significant digits), so p50 ≤ p90 ≤ p99 ≤ max
/// always; mean and standard deviation are exact.
public struct LatencySummary: Sendable, Equatable {
    public var count: Int
    public var mean: Double
    public var standardDeviation: Double
    public var median: Double
    public var p90: Double
    public var p99: Double
    public var max: Double

    /// All zeros when there are no samples (as SGLang's benchmark reports an empty series).
    public init(_ samples: [Duration]) {
        var histogram = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
        var sum = 0.0
        var squares = 0.0
        for sample in samples {
            let microseconds = Swift.max(0, sample.milliseconds * 1000)
            histogram.record(UInt64(microseconds.rounded()))
            sum += microseconds
            squares += microseconds * microseconds
        }
        count = samples.count
        guard count > 0 else {
            (mean, standardDeviation, median, p90, p99, max) = (0, 0, 0, 0, 0, 0)
            return
        }
        let meanMicroseconds = sum / Double(count)
        mean = meanMicroseconds / 1000
        standardDeviation = Swift.max(0, squares / Double(count) - meanMicroseconds * meanMicroseconds).squareRoot() / 1000
        median = Double(histogram.valueAtPercentile(50)) / 1000
        p90 = Double(histogram.valueAtPercentile(90)) / 1000
        p99 = Double(histogram.valueAtPercentile(99)) / 1000
        max = Double(histogram.maxRecorded) / 1000
    }
}

extension Duration {
    /// In milliseconds, as a `Double`.
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) * 1e-15
    }
}
