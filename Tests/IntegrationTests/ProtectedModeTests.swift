import Foundation
import Testing
import TestSupport

extension Integration {
    /// Without CURVE keys the controller listens only on loopback, unless told `--insecure`.
    @Suite("Protected mode")
    struct ProtectedModeTests {
        /// Runs the built controller with `arguments` until it exits or `within` passes; its status
        /// (nil if still running, then stopped) and its output.
        static func controller(_ arguments: [String], within: Duration = .seconds(5)) throws -> (status: Int32?, output: String) {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-protected-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let child = try ChildProcess(
                name: "controller", executable: Paths.executable("loom-controller"), arguments: arguments,
                logFile: folder.appendingPathComponent("controller.log"))
            let deadline = ContinuousClock.now + within
            while child.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
            let running = child.isRunning
            child.stop(SIGTERM)
            return (running ? nil : child.exitStatus, child.log)
        }

        @Test(.requires(.servers))
        func everyInterfaceWithoutKeysIsRefusedUnlessInsecure() throws {
            let refused = try Self.controller(["--workers", "tcp://*:0", "--clients", "tcp://127.0.0.1:*", "--http", "127.0.0.1:0"])
            #expect(refused.status != nil && refused.status != 0, "it must exit: \(refused.output)")
            #expect(refused.output.contains("--workers tcp://*:0 listens beyond this machine without CURVE keys"))
            #expect(refused.output.contains("--insecure"))

            let clients = try Self.controller(["--workers", "tcp://127.0.0.1:*", "--clients", "tcp://0.0.0.0:*", "--http", "127.0.0.1:0"])
            #expect(clients.status != nil && clients.output.contains("--clients tcp://0.0.0.0:*"), "\(clients.output)")

            let insecure = try Self.controller(
                ["--workers", "tcp://*:*", "--clients", "tcp://127.0.0.1:*", "--http", "127.0.0.1:0", "--insecure"], within: .seconds(3))
            #expect(insecure.status == nil, "it must keep running: \(insecure.output)")
            #expect(insecure.output.contains("WARNING: --insecure"))
            #expect(insecure.output.contains("loom-controller running"))
        }
    }
}
