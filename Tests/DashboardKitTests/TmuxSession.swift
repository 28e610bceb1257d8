import ClusterSupport
import Foundation
import TestSupport

/// A detached tmux session on a private server (its own socket name), so a test can run a
/// full-screen program in a real terminal, type at it and read its screen.
final class TmuxSession: Sendable {
    static let executable: URL? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"]
        .map(URL.init(fileURLWithPath:))
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }

    private let tmux: URL
    private let server = "loom-top-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

    /// Starts `command` (run by the shell) in a `columns`×`rows` window.
    init(_ command: String, columns: Int, rows: Int) async throws {
        guard let tmux = Self.executable else { throw ClusterError("tmux is not installed") }
        self.tmux = tmux
        // The server this starts keeps whatever it inherits open: give it no pipe to hold.
        try await run(["new-session", "-d", "-s", "main", "-x", String(columns), "-y", String(rows), command], capture: false)
    }

    deinit { _ = try? Command.runBlocking(tmux.path, ["-L", server, "kill-server"], capture: false, timeout: .seconds(10)) }

    /// The screen as text, one string per row. Blocking: for `Waiting.until`'s thread.
    func screen() -> [String] {
        let capture = try? Command.runBlocking(tmux.path, ["-L", server, "capture-pane", "-p", "-t", "main"], timeout: .seconds(10))
        return (capture?.stdout ?? "").components(separatedBy: "\n")
    }

    /// Types keys (tmux names: `q`, `C-c`, `Escape`).
    func send(_ keys: String...) async throws {
        try await run(["send-keys", "-t", "main"] + keys)
    }

    @discardableResult
    private func run(_ arguments: [String], capture: Bool = true) async throws -> String {
        try await Command.run(tmux.path, ["-L", server] + arguments, capture: capture, timeout: .seconds(10)).stdout
    }
}

extension Fixture {
    /// A tmux to run loom-top in.
    static let tmux = Fixture("tmux in /usr/bin, /usr/local/bin or /bin (scripts/setup installs it)") { TmuxSession.executable != nil }
}
