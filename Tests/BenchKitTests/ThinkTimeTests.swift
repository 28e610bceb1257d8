@testable import BenchKit
import Testing

@Suite("Think time between turns")
struct ThinkTimeTests {
    @Test func pausesAreExponentialAroundTheMeanAndSeeded() throws {
        var pauses = ThinkTime(mean: .seconds(2), seed: 7)
        let draws = (0..<4000).compactMap { _ in pauses.next() }
        try #require(draws.count == 4000)
        let seconds = draws.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
        let mean = seconds.reduce(0, +) / Double(seconds.count)
        #expect(abs(mean - 2) < 0.15, "mean \(mean)")
        // An exponential's median is ln 2 × mean, below the mean: pauses are mostly short, some long.
        let median = seconds.sorted()[seconds.count / 2]
        #expect(abs(median - 1.386) < 0.15, "median \(median)")
        var again = ThinkTime(mean: .seconds(2), seed: 7)
        var other = ThinkTime(mean: .seconds(2), seed: 8)
        let first = (0..<5).map { _ in again.next() }
        #expect(first == Array(draws.prefix(5)), "the same seed, the same pauses")
        let others = (0..<5).map { _ in other.next() }
        #expect(others != first, "conversations differ")
        var none = ThinkTime(mean: .zero, seed: 7)
        let nothing = none.next()
        #expect(nothing == nil)
    }
}
