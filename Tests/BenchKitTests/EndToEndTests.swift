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
