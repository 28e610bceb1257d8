import ClusterSupport
import Foundation
import Testing
import TestSupport

/// `loom-top` in a real terminal (tmux) against a real controller and two real workers.
@Suite("loom-top in a terminal", .serialized,
       .requires(.tmux, .products("loom-top", "loom-controller", "loom-worker"), .sharedFixtures))
struct LiveViewTests {
    /// Shell: the terminal's settings after loom-top, written whole before the file appears.
    static func settings(into path: String) -> String {
        "stty -a > \(path).part && mv \(path).part \(path)"
    }

    /// The terminal settings files say the same, or the test says which lines differ.
    static func expectSameSettings(_ before: String, _ after: String) throws {
        let first = try String(contentsOfFile: before, encoding: .utf8).split(separator: "\n")
        let second = try String(contentsOfFile: after, encoding: .utf8).split(separator: "\n")
        #expect(first == second, "before: \(first.filter { !second.contains($0) }), after: \(second.filter { !first.contains($0) })")
    }

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

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loom-top-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = directory.appendingPathComponent("stty.before").path
        let after = directory.appendingPathComponent("stty.after").path
        let exit = directory.appendingPathComponent("exit").path
        let top = Executables.url("loom-top").path
        let session = try await TmuxSession(
            "stty -a > \(before); \(top) --controller \(cluster.clients) --interval 100; echo $? > \(exit); \(Self.settings(into: after)); sleep 30",
            columns: 100, rows: 30)

        @Sendable func row(_ id: String, on screen: [String]) -> String? { screen.first { $0.hasPrefix(id + " ") } }
        /// Waits for a screen that satisfies `condition`; on failure the message shows the last screen.
        func waitFor(_ what: String, _ condition: @escaping @Sendable ([String]) -> Bool) async {
            let last = Locked<[String]>([])
            let seen = await Waiting.until(within: .seconds(15)) {
                let screen = session.screen()
                last.set(screen)
                return condition(screen)
            }
            #expect(seen, "\(what); screen:\n\(last.value.joined(separator: "\n"))")
        }

        await waitFor("both workers ready") { screen in
            row("w-alpha", on: screen)?.contains(" ready ") == true && row("w-beta", on: screen)?.contains(" ready ") == true
                && screen.contains { $0.contains("2 live") } && screen.allSatisfy { $0.count <= 100 }
        }

        let beta = try #require(cluster.worker("w-beta"))
        beta.send(SIGSTOP)
        await waitFor("w-beta stale, and counted so") { screen in
            row("w-beta", on: screen)?.contains(" stale ") == true && screen.contains { $0.contains("1 stale") }
        }
        beta.kill()
        await waitFor("w-beta gone from the screen") { screen in
            row("w-beta", on: screen) == nil && row("w-alpha", on: screen) != nil
        }

        try await session.send("s")
        await waitFor("the sort changed") { $0.contains { $0.contains("sort (id)") } }
        try await session.send("h")
        await waitFor("the help") { $0.contains("Keys") }
        try await session.send("q")
        #expect(await Waiting.until(within: .seconds(15)) { FileManager.default.fileExists(atPath: after) }, "loom-top did not exit")
        let status = try String(contentsOfFile: exit, encoding: .utf8)
        #expect(status.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        // Raw mode undone: the terminal settings are what they were before.
        try Self.expectSameSettings(before, after)
    }

    @Test(.timeLimit(.minutes(1)))
    func anUnreachableControllerIsShownAndCtrlCRestoresTheTerminal() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loom-top-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let after = directory.appendingPathComponent("stty.after").path
        let before = directory.appendingPathComponent("stty.before").path
        let top = Executables.url("loom-top").path
        // Port 1 on loopback: nothing listens there.
        let session = try await TmuxSession(
            "stty -a > \(before); \(top) --url http://127.0.0.1:1 --interval 200; \(Self.settings(into: after)); sleep 30",
            columns: 80, rows: 24)
        let shown = await Waiting.until(within: .seconds(10)) {
            session.screen().contains { $0.hasPrefix("controller unreachable: connection refused") }
        }
        #expect(shown, "the warning did not show")
        try await session.send("C-c")
        #expect(await Waiting.until(within: .seconds(10)) { FileManager.default.fileExists(atPath: after) })
        try Self.expectSameSettings(before, after)
    }
}
