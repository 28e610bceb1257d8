import ClusterSupport
import Foundation

/// A detached tmux session on a private server (its own socket name), so a test can run a
/// full-screen program in a real terminal, type at it and read its screen.
final class TmuxSession {
    static let executable: URL? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"]
        .map(URL.init(fileURLWithPath:))
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }

    private let tmux: URL
    private let server = "loom-top-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

    /// Starts `command` (run by the shell) in a `columns`×`rows` window.
    init(_ command: String, columns: Int, rows: Int) throws {
        guard let tmux = Self.executable else { throw ClusterError("tmux is not installed") }
        self.tmux = tmux
        // The server this starts keeps whatever it inherits open: give it no pipe to hold.
        try run(["new-session", "-d", "-s", "main", "-x", String(columns), "-y", String(rows), command], capture: false)
    }

    deinit { _ = try? run(["kill-server"]) }

    /// The screen as text, one string per row.
    func screen() -> [String] {
        ((try? run(["capture-pane", "-p", "-t", "main"])) ?? "").components(separatedBy: "\n")
    }

    /// Types keys (tmux names: `q`, `C-c`, `Escape`).
    func send(_ keys: String...) throws {
        try run(["send-keys", "-t", "main"] + keys)
    }

    @discardableResult
    private func run(_ arguments: [String], capture: Bool = true) throws -> String {
        try Command.run(tmux.path, ["-L", server] + arguments, capture: capture, timeout: .seconds(10)).stdout
    }
}
