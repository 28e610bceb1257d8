import ClusterSupport
import Foundation
import Testing
import TestSupport

/// `loom-top` in a real terminal (tmux) against a real controller and two real workers.
@Suite("loom-top in a terminal", .serialized,
       .requires(.tmux, .products("loom-top", "loom-controller", "loom-worker"), .sharedFixtures))
struct LiveViewTests {
    /// On loopback a SIGKILLed worker is noticed at once (the controller's next send to it is
    /// refused), so it goes straight to gone. A worker that is alive but silent is what turns
    /// stale: SIGSTOP first, then SIGKILL.
    @Test(.timeLimit(.minutes(1)))
    func showsTheWorkersThenOneTurningStaleAndDisappearing() async throws {
        // Liveness 10 keeps a silent worker stale for 1.6 s before it is dropped: long enough to see.
        let cluster = try await LocalCluster(heartbeatMs: 200, liveness: 10)
        defer { cluster.stop() }
        try cluster.startWorker("w-alpha")
        try cluster.startWorker("w-beta")
        #expect(await cluster.waitForWorkers(["w-alpha", "w-beta"]), "\(cluster.logs)")

        let top = try await TopInTmux("--controller \(cluster.clients) --interval 100", columns: 100, rows: 30)

        @Sendable func row(_ id: String, on screen: [String]) -> String? { screen.first { $0.hasPrefix(id + " ") } }
        await top.waitFor("both workers ready") { screen in
            row("w-alpha", on: screen)?.contains(" ready ") == true && row("w-beta", on: screen)?.contains(" ready ") == true
                && screen.contains { $0.contains("2 live") } && screen.allSatisfy { $0.count <= 100 }
        }

        let beta = try #require(cluster.worker("w-beta"))
        beta.send(SIGSTOP)
        await top.waitFor("w-beta stale, and counted so") { screen in
            row("w-beta", on: screen)?.contains(" stale ") == true && screen.contains { $0.contains("1 stale") }
        }
        beta.kill()
        await top.waitFor("w-beta gone from the screen") { screen in
            row("w-beta", on: screen) == nil && row("w-alpha", on: screen) != nil
        }

        try await top.session.send("s")
        await top.waitFor("the sort changed") { $0.contains { $0.contains("sort (id)") } }
        try await top.session.send("h")
        await top.waitFor("the help") { $0.contains("Keys") }
        try await top.session.send("q")
        #expect(try await top.exitStatus() == "0")
        try top.expectTerminalRestored()
    }

    @Test(.timeLimit(.minutes(1)))
    func anUnreachableControllerIsShownAndCtrlCRestoresTheTerminal() async throws {
        // Port 1 on loopback: nothing listens there.
        let top = try await TopInTmux("--url http://127.0.0.1:1 --interval 200", columns: 80, rows: 24)
        await top.waitFor("the warning", within: .seconds(10)) {
            $0.contains { $0.hasPrefix("controller unreachable: connection refused") }
        }
        try await top.session.send("C-c")
        _ = try await top.exitStatus()
        try top.expectTerminalRestored()
    }
}
