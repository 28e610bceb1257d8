import Foundation
import Testing

/// The built `loom-controller` run as a child process on loopback ports it picks, its standard
/// error collected; terminated when released.
final class ControllerProcess: Sendable {
    /// Next to the test bundle, where `swift build` puts the products.
    static let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("loom-controller")

    static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: executable.path) }

    let process: Process
    private let errors = Pipe()
    private let collected = Locked("")

    /// Starts it with `arguments` after the loopback endpoints, and waits until it runs.
    init(_ arguments: [String]) async throws {
        process = Process()
        process.executableURL = Self.executable
        process.arguments = ["--workers", "tcp://127.0.0.1:*", "--clients", "tcp://127.0.0.1:*", "--http", "127.0.0.1:0"]
            + arguments
        process.standardError = errors
        let collected = collected
        errors.fileHandleForReading.readabilityHandler = { handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            collected.update { $0 += text }
        }
        try process.run()
        #expect(await eventually { self.log.contains("loom-controller running") }, "it starts: \(log)")
    }

    deinit {
        errors.fileHandleForReading.readabilityHandler = nil
        if process.isRunning { process.terminate() }
    }

    var log: String { collected.value }

    /// The workers' endpoint as bound.
    var workerEndpoint: String? { value(of: "workers") }

    var httpPort: Int? { value(of: "http")?.split(separator: ":").last.flatMap { Int($0) } }

    /// `key=value` from the "running" log line.
    private func value(of key: String) -> String? {
        log.split(whereSeparator: { $0 == " " || $0 == "\n" }).first { $0.hasPrefix(key + "=") }
            .map { String($0.dropFirst(key.count + 1)) }
    }
}
