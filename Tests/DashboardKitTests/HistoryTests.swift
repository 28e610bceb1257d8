@testable import DashboardKit
import LoomProtocol
import Testing

@Suite("Worker history")
struct HistoryTests {
    @Test func keepsAMinuteOfSamplesPerWorker() {
        var history = WorkerHistory()
        for second in 0..<90 {
            history.record([Samples.worker("a", tokensPerSecond: Double(second))], at: Double(second))
        }
        let samples = history.throughput(of: "a")
        #expect(samples.first?.time == 29 && samples.last?.time == 89)
        #expect(samples.count == 61)
    }

    @Test func aVanishedWorkerShowsAsGoneThenGoes() {
        var history = WorkerHistory(goneRetention: 5)
        history.record([Samples.worker("a"), Samples.worker("b", heartbeatAgeMs: 300)], at: 0)
        history.record([Samples.worker("a")], at: 1)
        let gone = history.workers(at: 3).first { $0.id == "b" }
        #expect(gone?.state == .gone)
        #expect(gone?.heartbeatAgeMs == 300 + 2000)
        history.record([Samples.worker("a")], at: 5.5)
        #expect(history.workers(at: 5.5).contains { $0.id == "b" })
        history.record([Samples.worker("a")], at: 6)
        #expect(history.workers(at: 6).map(\.id) == ["a"])
        #expect(history.throughput(of: "b").isEmpty)
    }

    @Test func aWorkerThatComesBackIsLiveAgain() {
        var history = WorkerHistory()
        history.record([Samples.worker("a")], at: 0)
        history.record([], at: 1)
        history.record([Samples.worker("a")], at: 2)
        #expect(history.workers(at: 2).map(\.state) == [.ready])
    }

    @Test func sparklineLevelsFollowTheSamples() {
        let samples = (0..<8).map { WorkerHistory.Sample(time: Double(52 + $0), tokensPerSecond: Double($0)) }
        let line = Sparkline.draw(samples, width: 60, now: 59.5, scale: 7, glyphs: .ascii)
        #expect(line.count == 60)
        #expect(line.hasSuffix("_.,-=+*#"))
        #expect(line.dropLast(8).allSatisfy { $0 == " " })
    }

    @Test func usageBarsShowTheShare() {
        #expect(UsageBar.draw(used: 1, total: 4, width: 13, glyphs: .ascii) == "##......  25%")
        #expect(UsageBar.draw(used: 1, total: 1000, width: 9, glyphs: .ascii) == "#...   0%")
        #expect(UsageBar.draw(used: 0, total: 0, width: 9, glyphs: .ascii) == "-        ")
    }
}
