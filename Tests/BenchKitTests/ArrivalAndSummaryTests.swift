@testable import BenchKit
import Testing

@Suite("Arrivals and latency summaries")
struct ArrivalAndSummaryTests {
    /// Mean and coefficient of variation of `count` gaps.
    func moments(rate: Double, burstiness: Double, count: Int = 20_000) -> (mean: Double, variation: Double) {
        var schedule = ArrivalSchedule(rate: rate, burstiness: burstiness, seed: 7)
        let gaps = (0..<count).map { _ in schedule.nextGap() }
        let mean = gaps.reduce(0, +) / Double(count)
        let variance = gaps.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count)
        return (mean, variance.squareRoot() / mean)
    }

    @Test(arguments: [0.25, 1.0, 4.0])
    func gapsAverageOneOverTheRate(burstiness: Double) {
        let (mean, variation) = moments(rate: 8, burstiness: burstiness)
        #expect(abs(mean - 0.125) < 0.125 * 0.05, "mean \(mean)")
        // A gamma of shape k has a coefficient of variation of 1/√k: 2, 1 (exponential), 0.5.
        #expect(abs(variation - 1 / burstiness.squareRoot()) < 0.1, "variation \(variation)")
    }

    @Test func theSameSeedGivesTheSameArrivals() {
        var first = ArrivalSchedule(rate: 3, burstiness: 0.5, seed: 42)
        var second = ArrivalSchedule(rate: 3, burstiness: 0.5, seed: 42)
        #expect((0..<100).map { _ in first.nextGap() } == (0..<100).map { _ in second.nextGap() })
    }

    @Test func summariesHaveOrderedPercentiles() {
        let samples = (1...1000).map { Duration.microseconds($0 * 137 % 100_000 + 1) }
        let summary = LatencySummary(samples)
        #expect(summary.count == 1000)
        #expect(summary.median <= summary.p90 && summary.p90 <= summary.p99 && summary.p99 <= summary.max)
        #expect(abs(summary.max - 99.9) < 0.2, "max \(summary.max)")
        let exactMean = samples.reduce(0.0) { $0 + $1.milliseconds } / 1000
        #expect(abs(summary.mean - exactMean) < 1e-9)
    }

    @Test func knownValuesComeOutWithinTheHistogramsPrecision() {
        let summary = LatencySummary((1...100).map { Duration.milliseconds($0) })
        #expect(abs(summary.median - 50) < 0.05)
        #expect(abs(summary.p90 - 90) < 0.1)
        #expect(abs(summary.p99 - 99) < 0.1)
        #expect(abs(summary.max - 100) < 0.1)
        #expect(abs(summary.mean - 50.5) < 1e-9)
        #expect(abs(summary.standardDeviation - 28.866) < 0.001)
    }

    @Test func anEmptySeriesIsAllZeros() {
        #expect(LatencySummary([]) == LatencySummary([Duration]()))
        let empty = LatencySummary([])
        #expect(empty.count == 0 && empty.mean == 0 && empty.p99 == 0 && empty.max == 0)
    }
}
