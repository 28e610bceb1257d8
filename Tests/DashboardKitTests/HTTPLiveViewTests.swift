import ClusterSupport
import Foundation
import Testing
import TestSupport

/// `loom-top --url`: the same screen read through the HTTP API, in a real terminal (tmux) and as
/// one plain frame, against a real controller and worker.
@Suite("loom-top over HTTP", .serialized)
struct HTTPLiveViewTests {
    @Test(.requires(.tmux, .products("loom-top", "loom-controller", "loom-worker"), .sharedFixtures), .timeLimit(.minutes(1)))
    func theWorkersShowThroughTheHTTPAPI() async throws {
        let cluster = try await LocalCluster()
        defer { cluster.stop() }
        try cluster.startWorker("w-http")
        #expect(await cluster.waitForWorkers(["w-http"]), "\(cluster.logs)")
        let top = Executables.url("loom-top").path

        let once = try await Command.run(top, ["--once", "--url", cluster.http], timeout: .seconds(20))
        #expect(once.status == 0, "\(once.stdout)\(once.stderr)")
        #expect(once.stdout.hasPrefix("loom-top  \(cluster.http)"), "\(once.stdout)")
        #expect(once.stdout.split(separator: "\n").contains { $0.hasPrefix("w-http ") && $0.contains(" ready ") }, "\(once.stdout)")

        let live = try await TopInTmux("--url \(cluster.http) --interval 200", columns: 100, rows: 30)
        await live.waitFor("the worker ready, and counted so") { screen in
            screen.contains { $0.hasPrefix("w-http ") && $0.contains(" ready ") } && screen.contains { $0.contains("1 live") }
        }
        try await live.session.send("q")
        #expect(try await live.exitStatus() == "0")
        try live.expectTerminalRestored()
    }

    @Test(.requires(.products("loom-top")))
    func anUnreachableControllerIsOneFrameAndStatusOne() async throws {
        let result = try await Command.run(
            Executables.url("loom-top").path, ["--once", "--url", "http://127.0.0.1:1"], timeout: .seconds(20))
        #expect(result.status == 1)
        #expect(result.stdout.contains("controller unreachable: connection refused"), "\(result.stdout)")
    }
}
