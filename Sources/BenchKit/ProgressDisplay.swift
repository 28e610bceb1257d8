import Foundation

/// Redraws the progress bar on stderr while a run goes: in place five times a second on a
/// terminal, a line every five seconds into a file or pipe.
final class ProgressDisplay: Sendable {
    private let task: Task<Void, Never>
    private let isTerminal = isatty(STDERR_FILENO) == 1

    init(stop: BenchConfiguration.Stop, progress: RunProgress) {
        let start = ContinuousClock.now
        let isTerminal = isTerminal
        task = Task {
            var lastLine = ContinuousClock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
                let line = ProgressBar.render(
                    stop: stop, finished: progress.finished, failed: progress.failed, inFlight: progress.inFlight,
                    elapsed: start.duration(to: .now))
                if isTerminal {
                    Self.write("\r" + line + "\u{1B}[K")
                } else if lastLine.duration(to: .now) >= .seconds(5) {
                    Self.write(line + "\n")
                    lastLine = .now
                }
            }
        }
    }

    /// Stops drawing and clears the bar's line.
    func finish() async {
        task.cancel()
        await task.value
        if isTerminal { Self.write("\r\u{1B}[K") }
    }

    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
