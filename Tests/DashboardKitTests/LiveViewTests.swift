import ClusterSupport
import Foundation
import Testing

/// `loom-top` in a real terminal (tmux) against a real controller and two real workers.
@Suite("loom-top in a terminal", .serialized)
struct LiveViewTests {
    static let unavailable: String? = {
        if TmuxSession.executable == nil { return "tmux is not installed" }
        if !Executables.built(["loom-top"]) { return "loom-top is not built" }
        return Executables.clusterUnavailable
    }()

    /// On loopback a SIGKILLed worker is noticed at once (the controller's next send to it is
    /// refused), so it goes straight to gone. A worker that is alive but silent is what turns
    /// stale: SIGSTOP first, then SIGKILL.
    @Test(.enabled(if: unavailable == nil, "\(unavailable ?? "")"), .timeLimit(.minutes(1)))
    func showsTheWorkersThenOneTurningStaleAndDisappearing() async throws {
        // Liveness 10 keeps a silent worker stale for 1.6 s before it is dropped: long enough to see.
        let cluster = try await LocalCluster(heartbeatMs: 200, liveness: 10)
        defer { cluster.stop() }
        try cluster.startWorker("w-alpha")
        try cluster.startWorker("w-beta")
        #expect(await cluster.waitForWorkers(["w-alpha", "w-beta"]), "\(cluster.logs)")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loom-top-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = directory.appendingPathComponent("stty.before").path
        let after = directory.appendingPathComponent("stty.after").path
        let exit = directory.appendingPathComponent("exit").path
        let top = Executables.url("loom-top").path
        let session = try TmuxSession(
            "stty -a > \(before); \(top) --controller \(cluster.clients) --interval 100; echo $? > \(exit); stty -a > \(after); sleep 30",
            columns: 100, rows: 30)

        func row(_ id: String) -> String? { session.screen().first { $0.hasPrefix(id + " ") } }
        func waitFor(_ what: String, _ condition: @escaping () -> Bool) async {
            let seen = await Waiting.until(within: .seconds(15)) { condition() }
            #expect(seen, "\(what); screen:\n\(session.screen().joined(separator: "\n"))")
        }

        await waitFor("both workers ready") {
            row("w-alpha")?.contains(" ready ") == true && row("w-beta")?.contains(" ready ") == true
        }
        #expect(session.screen().contains { $0.contains("2 live") })
        #expect(session.screen().allSatisfy { $0.count <= 100 })

        let beta = try #require(cluster.worker("w-beta"))
        beta.send(SIGSTOP)
        await waitFor("w-beta stale") { row("w-beta")?.contains(" stale ") == true }
        #expect(session.screen().contains { $0.contains("1 live") && $0.contains("1 stale") })
        beta.kill()
        await waitFor("w-beta gone from the screen") { row("w-beta") == nil && row("w-alpha") != nil }
        #expect(row("w-alpha")?.contains(" ready ") == true)

        try session.send("s")
        await waitFor("the sort changed") { session.screen().contains { $0.contains("sort (id)") } }
        try session.send("h")
        await waitFor("the help") { session.screen().contains("Keys") }
        try session.send("q")
        await waitFor("loom-top exited") { FileManager.default.fileExists(atPath: after) }
        let status = try String(contentsOfFile: exit, encoding: .utf8)
        #expect(status.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        // Raw mode undone: the terminal settings are what they were before.
        #expect(try String(contentsOfFile: before, encoding: .utf8) == String(contentsOfFile: after, encoding: .utf8))
    }

    @Test(.enabled(if: unavailable == nil, "\(unavailable ?? "")"), .timeLimit(.minutes(1)))
    func anUnreachableControllerIsShownAndCtrlCRestoresTheTerminal() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loom-top-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let after = directory.appendingPathComponent("stty.after").path
        let before = directory.appendingPathComponent("stty.before").path
        let top = Executables.url("loom-top").path
        // Port 1 on loopback: nothing listens there.
        let session = try TmuxSession(
            "stty -a > \(before); \(top) --url http://127.0.0.1:1 --interval 200; stty -a > \(after); sleep 30",
            columns: 80, rows: 24)
        let shown = await Waiting.until(within: .seconds(10)) {
            session.screen().contains { $0.hasPrefix("controller unreachable: connection refused") }
        }
        #expect(shown, "\(session.screen().joined(separator: "\n"))")
        try session.send("C-c")
        #expect(await Waiting.until(within: .seconds(10)) { FileManager.default.fileExists(atPath: after) })
        #expect(try String(contentsOfFile: before, encoding: .utf8) == String(contentsOfFile: after, encoding: .utf8))
    }
}
