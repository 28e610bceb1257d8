import Foundation
import Synchronization

/// A process a test started, with its output collected; killed (SIGKILL) by `kill()` or when the
/// last reference goes, so a failing test leaves nothing running.
public final class ChildProcess: Sendable {
    private let process: Process
    private let collected = Collected()
    public let name: String

    /// Starts `executable` with `arguments`; stdout and stderr are collected together.
    public init(_ executable: URL, _ arguments: [String], name: String, environment: [String: String]? = nil) throws {
        self.name = name
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        let collected = self.collected
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
            } else {
                collected.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
        }
        try process.run()
    }

    deinit { kill() }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }
    /// Everything written so far.
    public var output: String { collected.text.withLock { $0 } }

    public func send(_ signal: Int32) {
        if process.isRunning { Foundation.kill(pid, signal) }
    }

    /// SIGKILL, and waits (briefly) until it is gone.
    public func kill() {
        guard process.isRunning else { return }
        Foundation.kill(pid, SIGKILL)
        process.waitUntilExit()
    }
}

/// Output shared between the pipe's reader and the test.
private final class Collected: Sendable {
    let text = Mutex("")
}
