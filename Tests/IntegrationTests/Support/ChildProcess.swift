import Foundation
import Synchronization

/// A process a test started, its standard output and error going to a log file. Every child is
/// listed in `ChildProcess.live` until it is seen to exit; whatever is left there when the test
/// process exits is killed, so no child outlives the tests even when a test's own cleanup is skipped.
final class ChildProcess: Sendable {
    let name: String
    let pid: Int32
    let logFile: URL
    private let process: Mutex<Process>

    /// Pids of children not yet seen to exit.
    private static let live = Mutex<Set<Int32>>([])
    private static let killLeftoversAtExit: Void = {
        atexit { ChildProcess.live.withLock { for pid in $0 { kill(pid, SIGKILL) } } }
    }()

    init(name: String, executable: URL, arguments: [String], logFile: URL) throws {
        Self.killLeftoversAtExit
        guard FileManager.default.createFile(atPath: logFile.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        let log = try FileHandle(forWritingTo: logFile)
        defer { try? log.close() }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.name = name
        self.logFile = logFile
        pid = process.processIdentifier
        self.process = Mutex(process)
        _ = Self.live.withLock { $0.insert(pid) }
    }

    var isRunning: Bool { process.withLock { $0.isRunning } }

    /// Its exit status once it has exited; minus the signal's number when a signal ended it.
    var exitStatus: Int32 {
        process.withLock { $0.terminationReason == .exit ? $0.terminationStatus : -$0.terminationStatus }
    }

    /// What it has written so far.
    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// The last lines of its log, for failure messages.
    var logTail: String { "\(name): " + log.split(separator: "\n").suffix(15).joined(separator: "\n") }

    /// Sends `signal` and waits (up to 10 s) until it has exited.
    func stop(_ signal: Int32 = SIGKILL) {
        guard isRunning else { return forget() }
        kill(pid, signal)
        let deadline = Date().addingTimeInterval(10)
        while isRunning && Date() < deadline { usleep(5_000) }
        if isRunning { kill(pid, SIGKILL) }
        process.withLock { $0.waitUntilExit() }
        forget()
    }

    /// Waits until `condition` holds for the log or the process exits or `timeout` passes.
    func waitForLog(within timeout: Duration, _ condition: (String) -> Bool) async -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = log
            if condition(text) { return text }
            guard isRunning else { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    private func forget() {
        _ = Self.live.withLock { $0.remove(pid) }
    }

    deinit { stop() }
}
