import Foundation
import Testing
import TestSupport

/// deploy/netns/cluster.sh: a controller and two workers (the tiny model) in their own network
/// namespaces, with kill -9, drain, link-down, controller-restart, wrong-key and packet-loss drills under
/// load. Needs root and `ip netns` (CI has both); skipped elsewhere, saying why.
@Suite struct NetworkDrillTests {
    static let script = Paths.packageRoot.appendingPathComponent("deploy/netns/cluster.sh").path

    /// Root, and network namespaces that `cluster.sh --check` can make.
    static let namespaces = Fixture("root and network namespaces (`deploy/netns/cluster.sh --check`; iproute2 and nftables)") {
        geteuid() == 0 && check()
    }

    /// Whether `cluster.sh --check` can make namespaces here.
    private static func check() -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script, "--check"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    @Test(.requires(.servers, .sharedFixtures, namespaces))
    func everyDrillMeetsItsExpectations() async throws {
        let out = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.script, "--model", "tiny", "--bin", Paths.products.path, "--out", out.path]
        let log = out.appendingPathComponent("cluster.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        let status = try await Self.run(process, within: .seconds(600))
        try handle.close()

        let table = (try? String(contentsOf: out.appendingPathComponent("drill.md"), encoding: .utf8)) ?? ""
        print(table)
        let transcript = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(status == 0, "cluster.sh failed:\n\(transcript.suffix(4000))")
        #expect(table.contains("| hung |") && table.contains("all expectations met"))
    }

    /// Runs `process` to its end without holding a thread; past `limit` it is sent SIGTERM (the
    /// script then tears its namespaces down) and its status is what it exits with.
    private static func run(_ process: Process, within limit: Duration) async throws -> Int32 {
        let (ended, continuation) = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { continuation.yield($0.terminationStatus); continuation.finish() }
        try process.run()
        let watchdog = Task {
            try await Task.sleep(for: limit)
            process.terminate()
        }
        defer { watchdog.cancel() }
        return await ended.first { _ in true } ?? -1
    }
}
