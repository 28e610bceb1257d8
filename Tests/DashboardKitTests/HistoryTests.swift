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

    @Test func cacheHitRateIsOverTheLastMinute() {
        func cache(_ queried: Int, _ hits: Int) -> WorkerStatus {
            Samples.worker("a", prefixCache: PrefixCacheCounters(queriedTokens: queried, hitTokens: hits))
        }
        var history = WorkerHistory()
        history.record([cache(0, 0)], at: 0)
        #expect(history.cacheHitRate(of: "a") == nil, "nothing looked up yet")
        #expect(history.cacheHitRate(of: "nobody") == nil)
        history.record([cache(1000, 100)], at: 10)
        #expect(history.cacheHitRate(of: "a") == 0.1)
        history.record([cache(2000, 1000)], at: 50)
        #expect(history.cacheHitRate(of: "a") == 0.5, "1000 hits of 2000 since the oldest sample")
        history.record([cache(3000, 1900)], at: 65)
        #expect(history.cacheHitRate(of: "a") == 0.9, "the sample at 0 has left the minute: 1800 of 2000")
        history.record([cache(3000, 1900)], at: 120)
        history.record([cache(3000, 1900)], at: 121)
        #expect(history.cacheHitRate(of: "a") == 1900.0 / 3000, "an idle minute: the worker's whole life")
        // It restarted: its totals count again from zero.
        history.record([cache(200, 150)], at: 122)
        #expect(history.cacheHitRate(of: "a") == 0.75)
    }

    @Test func aWorkerPolledOnceShowsItsWholeLife() {
        var history = WorkerHistory()
        history.record([Samples.worker("a", prefixCache: PrefixCacheCounters(queriedTokens: 400, hitTokens: 100))], at: 0)
        #expect(history.cacheHitRate(of: "a") == 0.25)
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
