import Foundation
import Synchronization

/// A product of this package run as a child process, its standard error (where the services log)
/// collected for the test to read. Killed when dropped, if still running.
final class ChildProcess: Sendable {
    private let process: Process
    private let log = Text()
    private let errors = Pipe()

    init(_ product: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.product(product))
        process.arguments = arguments
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        self.process = process
        errors.fileHandleForReading.readabilityHandler = { [log] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            log.append(text)
        }
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        errors.fileHandleForReading.readabilityHandler = nil
    }

    var output: String { log.value }
    var isRunning: Bool { process.isRunning }
    var exitStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Lines of the log containing every one of `fragments`.
    func lines(containing fragments: String...) -> [Substring] {
        output.split(separator: "\n").filter { line in fragments.allSatisfy { line.contains($0) } }
    }

    /// `key=value` from the first log line that has it.
    func value(of key: String) -> String? {
        output.split(whereSeparator: { $0 == " " || $0 == "\n" }).first { $0.hasPrefix(key + "=") }
            .map { String($0.dropFirst(key.count + 1)) }
    }

    /// The collected output, appended to on the pipe's reading thread.
    private final class Text: Sendable {
        private let text = Mutex("")
        func append(_ more: String) { text.withLock { $0 += more } }
        var value: String { text.withLock { $0 } }
    }
}
