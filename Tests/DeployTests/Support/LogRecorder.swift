import Logging
import Synchronization

/// A logger whose messages (with their metadata) a test can read back.
final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])
    let label: String
    let level: Logger.Level

    init(_ label: String, level: Logger.Level = .info) {
        self.label = label
        self.level = level
    }

    var logger: Logger {
        var logger = Logger(label: label) { _ in Handler(recorder: self) }
        logger.logLevel = level
        return logger
    }

    /// Lines containing every one of `fragments`.
    func matching(_ fragments: String...) -> [String] {
        lines.withLock { $0.filter { line in fragments.allSatisfy(line.contains) } }
    }

    fileprivate func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let details = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            recorder.append("\(event.level) \(event.message) \(details)")
        }
    }
}
