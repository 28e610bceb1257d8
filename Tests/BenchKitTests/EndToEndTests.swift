import ClusterSupport
import Foundation
import Testing
import TestSupport

/// loom-bench against a real controller and workers on the tiny fixture model.
@Suite("loom-bench against real processes", .serialized,
       .requires(.products("loom-bench", "loom-controller", "loom-worker"), .sharedFixtures))
struct EndToEndTests {
    /// Every latency's percentiles in order, and every field present.
    static func checkReport(_ bench: BenchProcess, completed: Int, outputTokens: Int) {
        #expect(bench.status == 0, "\(bench.stderr)")
        #expect(bench.number("completed") == Double(completed), "\(bench.stdout)")
        #expect(bench.number("failed") == 0, "\(bench.errorsByKind)")
        #expect(bench.number("total_output_tokens") == Double(completed * outputTokens))
        for key in BenchReportKeys.all {
            #expect(bench.json?[key] != nil, "\(key) missing")
        }
        for latency in ["ttft", "tpot", "itl", "e2e_latency"] {
            let values = ["median", "p90", "p99", "max"].compactMap { bench.number("\($0)_\(latency)_ms") }
            #expect(values.count == 4 && values == values.sorted() && values[0] > 0, "\(latency): \(values)")
        }
        #expect((bench.number("request_throughput") ?? 0) > 0)
        #expect(bench.stdout.contains("Serving Benchmark Result") && bench.stdout.contains("Successful requests:"))
    }

    @Test(.timeLimit(.minutes(2)))
    func closedAndOpenLoopsFinishWithTheCountsAsked() async throws {
        let cluster = try await LocalCluster()
        defer { cluster.stop() }
        try cluster.startWorker("bench-a")
        try cluster.startWorker("bench-b")
        #expect(await cluster.waitForWorkers(["bench-a", "bench-b"]), "\(cluster.logs)")

        let closed = try await BenchProcess.run([
            "--url", cluster.http, "--concurrency", "4", "--requests", "24", "--max-tokens", "16", "--input-tokens", "32",
            "--warmup", "2",
        ])
        Self.checkReport(closed, completed: 24, outputTokens: 16)
        #expect(closed.number("max_concurrency") == 4)
        // Never more than the streams (that all four are reached is a unit test's: it needs no timing).
        #expect((1...4).contains(closed.number("max_concurrent_requests") ?? 0))

        let open = try await BenchProcess.run([
            "--controller", cluster.clients, "--rate", "40", "--burstiness", "0.5", "--requests", "30", "--max-tokens", "8",
            "--image", Executables.tinyImage.path, "--seed", "9",
        ])
        Self.checkReport(open, completed: 30, outputTokens: 8)
        #expect(open.number("request_rate") == 40)
        #expect(open.json?["max_concurrency"] is NSNull)
        #expect(open.stdout.contains("open loop, 40.00 req/s, burstiness 0.50"))
    }

    /// Each turn's prompt tokens, turn 1 first, after checking every turn completed `count` requests.
    static func promptTokensByTurn(_ bench: BenchProcess, turns: Int, count: Int) -> [Double] {
        let stats = bench.json?["turn_stats"] as? [[String: Any]] ?? []
        #expect(stats.map { $0["turn"] as? Int } == (1...turns).map { $0 }, "\(bench.stdout)")
        #expect(stats.allSatisfy { $0["completed"] as? Int == count && $0["failed"] as? Int == 0 }, "\(stats)")
        #expect(stats.allSatisfy { ($0["median_ttft_ms"] as? Double ?? 0) > 0 })
        return stats.compactMap { $0["mean_input_tokens"] as? Double }
    }

    /// Conversations over both clients: every turn answered, and each turn's prompt longer than the
    /// last by at least its new user message, so the history went with it. The cached share is a
    /// number over both (the server reports it), whatever the worker's cache found.
    @Test(.timeLimit(.minutes(3)))
    func conversationsResendTheirHistoryOverBothClients() async throws {
        let cluster = try await LocalCluster()
        defer { cluster.stop() }
        try cluster.startWorker("talker")
        #expect(await cluster.waitForWorkers(["talker"]), "\(cluster.logs)")

        let http = try await BenchProcess.run([
            "--url", cluster.http, "--conversations", "4", "--turns", "3", "--concurrency", "2", "--input-tokens", "16",
            "--max-tokens", "8", "--system-prompt-tokens", "48",
        ])
        Self.checkReport(http, completed: 12, outputTokens: 8)
        #expect(http.number("conversations") == 4 && http.number("turns") == 3 && http.number("max_concurrency") == 2)
        let growth = Self.promptTokensByTurn(http, turns: 3, count: 4)
        #expect(growth.count == 3 && growth[0] >= 48 + 16 && growth[1] >= growth[0] + 16 && growth[2] >= growth[1] + 16, "\(growth)")
        #expect(http.number("cached_token_share") != nil && http.number("followup_cached_token_share") != nil, "\(http.stdout)")
        #expect(http.stdout.contains("Time to First Token by Turn") && http.stdout.contains("Cached share, turns 2 and later (%):"))

        let zeroMQ = try await BenchProcess.run([
            "--controller", cluster.clients, "--conversations", "2", "--turns", "2", "--input-tokens", "8", "--max-tokens", "4",
            "--image", Executables.tinyImage.path,
        ])
        Self.checkReport(zeroMQ, completed: 4, outputTokens: 4)
        let imageGrowth = Self.promptTokensByTurn(zeroMQ, turns: 2, count: 2)
        #expect(imageGrowth.count == 2 && imageGrowth[1] >= imageGrowth[0] + 8, "\(imageGrowth)")
        #expect(zeroMQ.number("cached_token_share") != nil, "\(zeroMQ.stdout)")

        // The ordinary closed loop with a shared system prompt: every prompt holds it.
        let shared = try await BenchProcess.run([
            "--url", cluster.http, "--concurrency", "2", "--requests", "6", "--input-tokens", "8", "--max-tokens", "4",
            "--system-prompt-tokens", "64",
        ])
        Self.checkReport(shared, completed: 6, outputTokens: 4)
        #expect((shared.number("total_input_tokens") ?? 0) >= 6 * (64 + 8), "\(shared.stdout)")
        #expect(shared.number("system_prompt_tokens") == 64 && shared.json?["turn_stats"] is NSNull)
        #expect(shared.stdout.contains("System prompt (tokens, about):           64"))
    }

    /// The only worker dies once tokens flow: requests in flight fail as worker_lost, later ones
    /// find no live worker; the run still ends and reports them.
    @Test(.timeLimit(.minutes(2)))
    func failuresAreCountedByKindWhenAWorkerDies() async throws {
        let cluster = try await LocalCluster()
        defer { cluster.stop() }
        try cluster.startWorker("doomed")
        #expect(await cluster.waitForWorkers(["doomed"]), "\(cluster.logs)")

        let bench = Task.detached {
            try await BenchProcess.run([
                "--url", cluster.http, "--concurrency", "4", "--requests", "64", "--max-tokens", "256",
                "--request-timeout", "30",
            ])
        }
        // Watched and killed from a thread of its own, so the kill lands while tokens flow however
        // busy the cooperative pool is.
        let killedMidStream = try await offThePool {
            let flowing = Waiting.poll(within: .seconds(30)) { cluster.generatedTokens() > 0 }
            cluster.worker("doomed")?.kill()
            return flowing
        }
        #expect(killedMidStream, "\(cluster.logs)")
        let result = try await bench.value

        #expect(result.status == 0, "\(result.stderr)")
        let completed = Int(result.number("completed") ?? -1), failed = Int(result.number("failed") ?? -1)
        #expect(completed + failed == 64, "\(result.stdout)")
        #expect(failed > 0)
        #expect(result.errorsByKind.values.reduce(0, +) == failed)
        let expectedKinds: Set<String> = ["worker_lost", "no_live_worker", "no_model", "timeout"]
        #expect(Set(result.errorsByKind.keys).isSubset(of: expectedKinds), "\(result.errorsByKind)")
        // Tokens were streaming when it died: those requests cannot be retried.
        #expect(result.errorsByKind["worker_lost", default: 0] >= 1, "\(result.errorsByKind)")
        #expect(result.stdout.contains("Failed requests:                         \(failed)"))
        for kind in result.errorsByKind.keys {
            #expect(result.stdout.contains("  \(kind):"))
        }
    }
}
