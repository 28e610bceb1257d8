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

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loom-top-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = directory.appendingPathComponent("stty.before").path
        let after = directory.appendingPathComponent("stty.after").path
        let exit = directory.appendingPathComponent("exit").path
        let session = try await TmuxSession(
            "stty -a > \(before); \(top) --url \(cluster.http) --interval 200; echo $? > \(exit); \(LiveViewTests.settings(into: after)); sleep 30",
            columns: 100, rows: 30)
        let last = Locked<[String]>([])
        let shown = await Waiting.until(within: .seconds(15)) {
            let screen = session.screen()
            last.set(screen)
            return screen.contains { $0.hasPrefix("w-http ") && $0.contains(" ready ") } && screen.contains { $0.contains("1 live") }
        }
        #expect(shown, "screen:\n\(last.value.joined(separator: "\n"))")
        try await session.send("q")
        #expect(await Waiting.until(within: .seconds(15)) { FileManager.default.fileExists(atPath: after) }, "loom-top did not exit")
        let status = try String(contentsOfFile: exit, encoding: .utf8)
        #expect(status.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        try LiveViewTests.expectSameSettings(before, after)
    }

    @Test(.requires(.products("loom-top")))
    func anUnreachableControllerIsOneFrameAndStatusOne() async throws {
        let result = try await Command.run(
            Executables.url("loom-top").path, ["--once", "--url", "http://127.0.0.1:1"], timeout: .seconds(20))
        #expect(result.status == 1)
        #expect(result.stdout.contains("controller unreachable: connection refused"), "\(result.stdout)")
    }
}
