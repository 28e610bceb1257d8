import ClientKit
import Foundation
@testable import BenchKit
import Testing

@Suite("The report of the prefix cache and the turns")
struct CacheReportTests {
    static func timing(ttft: Int, input: Int, cached: Int?) -> RequestTiming {
        RequestTiming(
            timeToFirstToken: .milliseconds(ttft), interTokenLatencies: [.milliseconds(5)], latency: .milliseconds(ttft + 5),
            inputTokens: input, outputTokens: 2, cachedTokens: cached)
    }

    /// Two conversations of three turns: turn 1 all computed, later turns mostly cached; one turn 3 failed.
    static let turns: [[RequestRecord]] = [
        [.success(timing(ttft: 100, input: 100, cached: 0)), .success(timing(ttft: 300, input: 100, cached: 0))],
        [.success(timing(ttft: 20, input: 200, cached: 150)), .success(timing(ttft: 40, input: 200, cached: 100))],
        [.success(timing(ttft: 30, input: 300, cached: 250)), .failure(kind: "worker_lost", message: "gone")],
    ]

    static func report(
        _ recordsByTurn: [[RequestRecord]], load: BenchConfiguration.Load = .conversations(count: 2, turns: 3, concurrency: 2),
        systemPromptTokens: Int? = nil
    ) -> BenchReport {
        let configuration = BenchConfiguration(
            target: .http(host: "127.0.0.1", port: 8080), load: load, stop: .requests(6), systemPromptTokens: systemPromptTokens,
            maxTokens: 2)
        let records = recordsByTurn.flatMap { $0 }
        let byTurn: [[RequestRecord]] = if case .conversations = load { recordsByTurn } else { [] }
        return BenchReport(
            backend: "loom-zmq", target: "tcp://127.0.0.1:5559", model: "m", configuration: configuration,
            run: LoadGenerator.Run(records: records, recordsByTurn: byTurn, duration: .seconds(1), peakConcurrency: 2))
    }

    @Test func turnsAndSharesComeFromTheRecords() throws {
        let report = Self.report(Self.turns)
        #expect(report.completed == 5 && report.failed == 1)
        #expect(report.turns.map(\.turn) == [1, 2, 3])
        #expect(report.turns.map(\.completed) == [2, 2, 1] && report.turns.map(\.failed) == [0, 0, 1])
        #expect(report.turns.map(\.meanInputTokens) == [100, 200, 300])
        let first = report.turns[0].timeToFirstToken
        #expect(abs(first.mean - 200) < 1e-9 && abs(first.median - 100) < 0.1 && abs(first.p90 - 300) < 0.3)
        #expect(abs(report.turns[1].timeToFirstToken.mean - 30) < 1e-9)
        // (0 + 0 + 150 + 100 + 250) / (100 + 100 + 200 + 200 + 300), and over turns 2 and 3 alone.
        #expect(report.cache.cachedTokens == 500 && report.cache.promptTokens == 900)
        #expect(abs((report.cache.share ?? -1) - 500.0 / 900) < 1e-12)
        #expect(abs((report.followUpCache?.share ?? -1) - 500.0 / 700) < 1e-12)
        #expect(report.turns.map(\.cache.share) == [0, 0.625, 250.0 / 300])
    }

    @Test func theTextGivesTheShareAndATableByTurn() {
        let text = Self.report(Self.turns, systemPromptTokens: 512).text
        for line in [
            "Load:                                    2 conversations of 3 turns, 2 at once (closed loop)",
            "System prompt (tokens, about):           512",
            "Prompt tokens from the cache:            500 of 900",
            "Cached share of prompt tokens (%):       55.56",
            "Cached share, turns 2 and later (%):     71.43",
            "Turn  Requests  Failed  Prompt tokens  P50 (ms)  P90 (ms)  Mean (ms)  Cached (%)",
            // Percentiles are the histogram's (3 significant digits: 100 ms reads 100.03), means exact.
            "   1         2       0          100.0    100.03    300.00     200.00        0.00",
            "   3         1       1          300.0     30.00     30.00      30.00       83.33",
        ] {
            #expect(text.contains(line + "\n"), "\(line)\n\(text)")
        }
    }

    @Test func aServerThatCachedNothingSaysZeroPlainly() throws {
        let none = Self.turns.map { $0.map { record in
            guard case .success(var timing) = record else { return record }
            timing.cachedTokens = 0
            return .success(timing)
        } }
        let report = Self.report(none)
        #expect(report.cache.share == 0 && report.followUpCache?.share == 0)
        #expect(report.text.contains("Cached share of prompt tokens (%):       0.00 (the server reported no cached tokens)\n"))
        #expect(report.text.contains("Cached share, turns 2 and later (%):     0.00 (the server reported no cached tokens)\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: report.json()) as? [String: Any])
        #expect(object["cached_token_share"] as? Double == 0 && object["total_cached_tokens"] as? Int == 0)
    }

    @Test func aServerThatDoesNotSayIsNotReadAsZero() throws {
        let silent = [[RequestRecord.success(Self.timing(ttft: 10, input: 50, cached: nil))]]
        let report = Self.report(silent, load: .closed(concurrency: 1))
        #expect(report.cache.share == nil && report.followUpCache == nil && report.turns.isEmpty)
        #expect(report.text.contains("Cached share of prompt tokens (%):       not reported by the server\n"))
        #expect(report.text.contains("Requests reporting cached tokens:        0 of 1\n"))
        #expect(!report.text.contains("turns 2 and later") && !report.text.contains("by Turn"))
        let object = try #require(try JSONSerialization.jsonObject(with: report.json()) as? [String: Any])
        for key in ["cached_token_share", "total_cached_tokens", "followup_cached_token_share", "turn_stats", "conversations"] {
            #expect(object[key] is NSNull, "\(key)")
        }
        #expect(object["requests_reporting_cached_tokens"] as? Int == 0)
    }

    @Test func onlyTheRequestsThatReportedCount() {
        let mixed = [[
            RequestRecord.success(Self.timing(ttft: 10, input: 100, cached: 60)), .success(Self.timing(ttft: 10, input: 900, cached: nil)),
        ]]
        let report = Self.report(mixed, load: .closed(concurrency: 1))
        #expect(report.cache.share == 0.6)
        #expect(report.text.contains("Requests reporting cached tokens:        1 of 2\n"))
    }

    @Test func theJSONHasTheTurnsAndShares() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Self.report(Self.turns, systemPromptTokens: 64).json()) as? [String: Any])
        #expect(object["conversations"] as? Int == 2 && object["turns"] as? Int == 3 && object["max_concurrency"] as? Int == 2)
        #expect(object["system_prompt_tokens"] as? Int == 64)
        #expect(object["total_cached_tokens"] as? Int == 500 && object["requests_reporting_cached_tokens"] as? Int == 5)
        #expect(abs((object["followup_cached_token_share"] as? Double ?? -1) - 500.0 / 700) < 1e-12)
        let turns = try #require(object["turn_stats"] as? [[String: Any]])
        #expect(turns.map { $0["turn"] as? Int } == [1, 2, 3])
        #expect(turns.map { $0["completed"] as? Int } == [2, 2, 1] && turns[2]["failed"] as? Int == 1)
        #expect(turns[0]["mean_ttft_ms"] as? Double == 200 && turns[1]["cached_token_share"] as? Double == 0.625)
        for key in ["median_ttft_ms", "p90_ttft_ms", "p99_ttft_ms", "mean_input_tokens"] {
            #expect(turns.allSatisfy { $0[key] is Double }, "\(key)")
        }
        for key in BenchReportKeys.all {
            #expect(object[key] != nil, "\(key)")
        }
    }
}
