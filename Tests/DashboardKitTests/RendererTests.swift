@testable import DashboardKit
import LoomProtocol
import Testing

@Suite("Rendering a frame")
struct RendererTests {
    let workers = [
        Samples.worker(
            "worker-b", running: 3, waiting: 1, kvUsed: 50, tokensPerSecond: 42.5,
            prefixCache: PrefixCacheCounters(queriedTokens: 4000, hitTokens: 3480)),
        Samples.worker("worker-a", running: 1, kvUsed: 10, tokensPerSecond: 12),
        Samples.worker("worker-c", state: .stale, heartbeatAgeMs: 2500),
    ]

    @Test func fillsAClassicTerminalExactly() {
        let lines = Samples.render(Samples.state(polling: workers))
        #expect(lines.count == 24)
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(lines[0].contains("loom-top") && lines[0].contains("tcp://127.0.0.1:5559") && lines[0].contains("up 1h02m"))
        #expect(lines[1].contains("2 live") && lines[1].contains("1 stale") && lines[1].contains("0 dead"))
        #expect(lines.joined().contains("req/s 3.2") && lines.joined().contains("tok/s 146"))
        #expect(lines.last?.hasPrefix("q quit") == true)
    }

    @Test func rowsShowEveryColumnSortedByStateThenId() throws {
        let lines = Samples.render(Samples.state(polling: workers), TerminalSize(columns: 120, rows: 30))
        let title = try #require(lines.first { $0.hasPrefix("ID") })
        for column in ["HOST", "MODEL", "STATE", "HB", "WAIT", "RUN", "KV", "CACHE", "TOK/S", "LAST MINUTE"] {
            #expect(title.contains(column), "\(column) in \(title)")
        }
        let rows = lines.filter { $0.hasPrefix("worker-") }
        #expect(rows.map { String($0.prefix(8)) } == ["worker-a", "worker-b", "worker-c"])
        let b = try #require(rows.first { $0.hasPrefix("worker-b") })
        #expect(b.contains("node-1") && b.contains("smollm2") && b.contains("ready") && b.contains("42.5") && b.contains("50%"))
        #expect(rows[2].contains("stale") && rows[2].contains("2.5s"))
    }

    @Test func theCacheColumnShowsTheHitRateOrADashBeforeAnyLookUp() throws {
        var state = Samples.state(polling: workers)
        let lines = Samples.render(state)
        let title = try #require(lines.first { $0.hasPrefix("ID") })
        let cache = try #require(title.range(of: "CACHE"))
        func cell(_ id: String, in lines: [String]) throws -> String {
            let row = try #require(lines.first { $0.hasPrefix(id) })
            let start = title.distance(from: title.startIndex, to: cache.lowerBound)
            return String(row.dropFirst(start).prefix(5))
        }
        #expect(try cell("worker-b", in: lines) == "  87%")
        #expect(try cell("worker-a", in: lines) == "    -")
        // Ten seconds later worker-b has found 900 of its next 1000 prompt tokens (4380 of 5000 in its whole life).
        var later = workers
        later[0].load.prefixCache = PrefixCacheCounters(queriedTokens: 5000, hitTokens: 4380)
        state.record(Samples.status(later), at: 110)
        #expect(try cell("worker-b", in: Samples.render(state, at: 110)) == "  90%")
    }

    @Test func everyColumnFitsAClassicTerminal() throws {
        let title = try #require(Samples.render(Samples.state(polling: workers)).first { $0.hasPrefix("ID") })
        for column in TableLayout.Column.allCases {
            #expect(title.contains(column.title), "\(column.title) in \(title)")
        }
        let narrower = try #require(
            Samples.render(Samples.state(polling: workers), TerminalSize(columns: 79, rows: 24)).first { $0.hasPrefix("ID") })
        #expect(!narrower.contains("LAST MINUTE") && narrower.contains("CACHE"), "the sparkline goes first")
        let narrowest = TableLayout(width: 60, needs: [:]).columns.map(\.column)
        #expect(!narrowest.contains(.cache) && narrowest.contains(.kv), "then the host, then the cache column")
    }

    @Test func widerTerminalsGiveTheSparklineAndBarMoreRoom() throws {
        let state = Samples.state(polling: workers, seconds: 60)
        func width(of title: String, at columns: Int) throws -> Int {
            let lines = Samples.render(state, TerminalSize(columns: columns, rows: 30))
            let row = try #require(lines.first { $0.hasPrefix("ID") })
            return row.count - (row.range(of: title).map { row.distance(from: row.startIndex, to: $0.lowerBound) } ?? 0)
        }
        #expect(try width(of: "LAST MINUTE", at: 200) > width(of: "LAST MINUTE", at: 80))
        let wide = Samples.render(state, TerminalSize(columns: 200, rows: 30))
        #expect(wide.allSatisfy { $0.count <= 200 })
        let row = try #require(wide.first { $0.hasPrefix("worker-b") })
        // A minute of samples at one a second fills a sparkline of up to 60 characters.
        #expect(row.filter { $0 == "#" }.count >= 40, "\(row)")
    }

    @Test func narrowTerminalsDropTheLeastUsefulColumnsFirst() throws {
        let lines = Samples.render(Samples.state(polling: workers), TerminalSize(columns: 50, rows: 20))
        let title = try #require(lines.first { $0.hasPrefix("ID") })
        #expect(!title.contains("LAST MINUTE") && !title.contains("HOST"))
        #expect(title.contains("STATE") && title.contains("TOK/S"))
        #expect(lines.allSatisfy { $0.count <= 50 })
    }

    @Test func staleRowsAreHighlightedOnlyWithColour() throws {
        let frame = Samples.state(polling: workers).frame(at: 100)
        let lines = DashboardRenderer.render(frame, size: .standard)
        let stale = try #require(lines.first { $0.plain.hasPrefix("worker-c") })
        #expect(stale.rendered(colour: true).hasPrefix("\u{1B}[30;43m"))
        #expect(!stale.rendered(colour: false).contains("\u{1B}"))
        let ready = try #require(lines.first { $0.plain.hasPrefix("worker-a") })
        #expect(!ready.rendered(colour: true).hasPrefix("\u{1B}[30;43m"))
        #expect(lines.allSatisfy { !$0.rendered(colour: false).contains("\u{1B}") })
    }

    @Test func anUnreachableControllerIsSaidAndTheLastRowsStay() {
        var state = Samples.state(polling: workers)
        state.recordFailure("no answer from tcp://127.0.0.1:5559")
        let lines = Samples.render(state, at: 112)
        let warning = lines.drop { !$0.hasPrefix("controller unreachable") }.prefix(2).joined(separator: " ")
        #expect(warning.hasPrefix("controller unreachable: no answer from tcp://127.0.0.1:5559"))
        #expect(warning.hasSuffix("(retrying every 1.0s, last answer 12s ago)"))
        #expect(lines.contains { $0.hasPrefix("worker-a") })
        state.record(Samples.status(workers), at: 113)
        #expect(!Samples.render(state, at: 113).contains { $0.contains("unreachable") })
    }

    @Test func neverAnsweredSaysSoWithoutRows() {
        var state = DashboardState(source: "http://127.0.0.1:8080", intervalMs: 500)
        state.recordFailure("connection refused")
        let lines = Samples.render(state, at: 1)
        #expect(lines.contains("controller unreachable: connection refused (retrying every 500ms)"))
        #expect(lines.contains("no workers registered"))
    }

    @Test func workersBeyondTheHeightAreCounted() {
        let many = (0..<40).map { Samples.worker("w\($0 < 10 ? "0" : "")\($0)") }
        let lines = Samples.render(Samples.state(polling: many))
        #expect(lines.count == 24)
        let shown = lines.filter { $0.hasPrefix("w") && !$0.hasPrefix("workers") }.count
        #expect(lines.contains("+\(40 - shown) more workers: a taller terminal shows them"))
    }

    @Test func helpReplacesTheTable() {
        var state = Samples.state(polling: workers)
        state.press(.toggleHelp)
        let lines = Samples.render(state)
        #expect(lines.contains("Keys") && !lines.contains { $0.hasPrefix("worker-a") })
        #expect(lines.last?.contains("h back") == true)
        state.press(.toggleHelp)
        #expect(Samples.render(state).contains { $0.hasPrefix("worker-a") })
    }

    @Test func theSortKeyCyclesAndReorders() {
        var state = Samples.state(polling: workers)
        state.press(.cycleSort)
        #expect(state.sort == .id)
        state.press(.cycleSort)
        #expect(state.sort == .throughput)
        let rows = Samples.render(state).filter { $0.hasPrefix("worker-") }.map { String($0.prefix(8)) }
        #expect(rows == ["worker-b", "worker-a", "worker-c"])
        #expect(Samples.render(state).last?.contains("sort (tok/s)") == true)
        for _ in 0..<3 { state.press(.cycleSort) }
        #expect(state.sort == .state)
    }

    @Test func controlCharactersFromTheNetworkAreNotPrinted() {
        let hostile = Samples.worker("evil\u{1B}[2J", host: "h\u{07}st")
        let lines = DashboardRenderer.render(Samples.state(polling: [hostile]).frame(at: 100), size: .standard)
        #expect(lines.allSatisfy { !$0.rendered(colour: false).contains("\u{1B}") && !$0.plain.contains("\u{07}") })
        #expect(lines.contains { $0.plain.hasPrefix("evil?[2J") })
    }

    @Test func headerItemsWrapOnNarrowTerminals() {
        let lines = Samples.render(Samples.state(polling: workers), TerminalSize(columns: 40, rows: 24))
        #expect(lines.allSatisfy { $0.count <= 40 })
        #expect(lines.contains { $0.contains("errors/min 0") })
    }

    @Test func onceIntoAPipeHasNoBottom() {
        let many = (0..<40).map { Samples.worker("w\($0)") }
        let lines = Samples.render(Samples.state(polling: many), TerminalSize(columns: 100, rows: .max))
        #expect(lines.filter { $0.hasPrefix("w") && !$0.hasPrefix("workers") }.count == 40)
    }
}
