import Foundation
import LoomProtocol
import Testing

/// The built `loom-controller` itself: it starts, takes a worker, and stops cleanly on SIGTERM.
@Suite("loom-controller executable")
struct ExecutableTests {
    /// Next to the test bundle, where `swift build` puts the products.
    static let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("loom-controller")

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: executable.path)))
    func stopsCleanlyOnSIGTERMAndTellsWorkers() async throws {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = [
            "--workers", "tcp://127.0.0.1:*", "--clients", "tcp://127.0.0.1:*", "--http", "127.0.0.1:0",
            "--heartbeat-ms", "100",
        ]
        let errors = Pipe()
        process.standardError = errors
        let log = Locked("")
        errors.fileHandleForReading.readabilityHandler = { handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            log.update { $0 += text }
        }
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        #expect(await eventually { log.value.contains("loom-controller running") }, "it starts: \(log.value)")
        let workers = try #require(Self.value(of: "workers", in: log.value))
        let worker = try SyntheticWorker(SyntheticWorker.Settings(id: "w"), endpoint: workers)
        defer { worker.kill() }
        let port = try #require(Self.value(of: "http", in: log.value)?.split(separator: ":").last.flatMap { Int($0) })
        #expect(await eventually {
            let listed = try? await HTTPConnection.exchange(port: port, "GET", "/v1/workers").json?["data"] as? [Any]
            return listed?.count == 1
        })

        kill(process.processIdentifier, SIGTERM)
        let disconnect = await worker.events.next(where: { if case .disconnect(let d) = $0 { d.reason == .shutdown } else { false } })
        #expect(disconnect != nil, "workers are told the controller is leaving")
        #expect(await eventually { !process.isRunning })
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        errors.fileHandleForReading.readabilityHandler = nil
    }

    /// `key=value` from the "running" log line.
    static func value(of key: String, in log: String) -> String? {
        log.split(whereSeparator: { $0 == " " || $0 == "\n" }).first { $0.hasPrefix(key + "=") }
            .map { String($0.dropFirst(key.count + 1)) }
    }
}
