import ClientKit
import Foundation
@testable import BenchKit
import Testing

@Suite("The report")
struct ReportTests {
    static let configuration = BenchConfiguration(
        target: .http(host: "127.0.0.1", port: 8080), load: .closed(concurrency: 2), stop: .requests(4), maxTokens: 5)

    static func timing(ttft: Int, latency: Int, gaps: [Int] = [10, 10, 10, 10], input: Int = 20, output: Int = 5) -> RequestTiming {
        RequestTiming(
            timeToFirstToken: .milliseconds(ttft), interTokenLatencies: gaps.map { .milliseconds($0) },
            latency: .milliseconds(latency), inputTokens: input, outputTokens: output)
    }

    static let run = LoadGenerator.Run(
        records: [
            .success(timing(ttft: 100, latency: 140)),
            .success(timing(ttft: 200, latency: 280)),
            .failure(kind: "worker_lost", message: "gone"),
            .failure(kind: "no_live_worker", message: "none"),
            .failure(kind: "worker_lost", message: "gone"),
        ],
        duration: .seconds(2), peakConcurrency: 2)

    let report = BenchReport(
        backend: "loom-http", target: "http://127.0.0.1:8080", model: "m", configuration: configuration, run: run)

    @Test func countsAndRates() {
        #expect(report.completed == 2 && report.failed == 3)
        #expect(report.errorsByKind == ["worker_lost": 2, "no_live_worker": 1])
        #expect(report.totalInputTokens == 40 && report.totalOutputTokens == 10)
        #expect(report.requestThroughput == 1 && report.outputThroughput == 5 && report.inputThroughput == 20)
        // TPOT excludes the first token: (140 − 100) / 4 and (280 − 200) / 4.
        #expect(abs(report.timePerOutputToken.mean - 15) < 1e-9)
        #expect(report.interTokenLatency.count == 8)
        #expect(abs(report.averageConcurrency - 0.21) < 1e-9)
    }

    @Test func theJSONHasEveryFigureUnderSGLangsNames() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: report.json()) as? [String: Any])
        for key in BenchReportKeys.all {
            #expect(object[key] != nil, "\(key)")
        }
        #expect(object["completed"] as? Int == 2)
        #expect(object["errors_by_kind"] as? [String: Int] == ["worker_lost": 2, "no_live_worker": 1])
        #expect(object["max_concurrency"] as? Int == 2)
        #expect(object["request_rate"] is NSNull)
    }

    @Test func theTextHasTheUsualSections() {
        let text = report.text
        for line in [
            "Successful requests:                     2", "Failed requests:                         3",
            "  worker_lost:                           2", "Benchmark duration (s):                  2.00",
            "Request throughput (req/s):              1.00", "Peak concurrent requests:                2",
            "Mean TTFT (ms):                          150.00", "P99 ITL (ms):", "Max E2E Latency (ms):",
        ] {
            #expect(text.contains(line), "\(line)")
        }
    }

    @Test func progressShowsCountsOrTime() {
        #expect(ProgressBar.render(stop: .requests(10), finished: 5, failed: 1, inFlight: 2, elapsed: .seconds(3), width: 10)
            == "[#####.....] 5/10 requests, 1 failed, 2 in flight, 3.0s")
        #expect(ProgressBar.render(stop: .duration(.seconds(4)), finished: 7, failed: 0, inFlight: 1, elapsed: .seconds(1), width: 8)
            == "[##......] 1.0/4.0s, 7 requests, 0 failed, 1 in flight, 1.0s")
    }
}

/// The keys every `--json` report holds.
enum BenchReportKeys {
    static let all: [String] = {
        var keys = [
            "backend", "base_url", "model_id", "max_tokens", "completed", "failed", "errors_by_kind", "duration",
            "total_input_tokens", "total_output_tokens", "request_throughput", "input_throughput", "output_throughput",
            "total_throughput", "max_concurrency", "max_concurrent_requests", "concurrency", "request_rate", "burstiness",
            "system_prompt_tokens", "conversations", "turns", "requests_reporting_cached_tokens", "total_cached_tokens",
            "cached_token_share", "followup_cached_token_share", "turn_stats",
        ]
        for latency in ["ttft", "tpot", "itl", "e2e_latency"] {
            keys += ["mean", "median", "std", "p90", "p99", "max"].map { "\($0)_\(latency)_ms" }
        }
        return keys
    }()
}
