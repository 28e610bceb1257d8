import ClusterSupport
import Foundation
import Testing

/// The built loom-top running in a tmux window, with the terminal's settings noted before it starts
/// and after it exits, and its exit status, in a temporary folder removed with this.
final class TopInTmux: Sendable {
    let session: TmuxSession
    private let directory: URL
    private let before: String, after: String, exit: String

    init(_ arguments: String, columns: Int, rows: Int) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("loom-top-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        before = directory.appendingPathComponent("stty.before").path
        after = directory.appendingPathComponent("stty.after").path
        exit = directory.appendingPathComponent("exit").path
        let top = Executables.url("loom-top").path
        // The settings after are written whole before their file appears.
        session = try await TmuxSession(
            "stty -a > \(before); \(top) \(arguments); echo $? > \(exit); stty -a > \(after).part && mv \(after).part \(after); sleep 30",
            columns: columns, rows: rows)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Waits for a screen that satisfies `condition`; on failure the message shows the last screen.
    func waitFor(_ what: String, within timeout: Duration = .seconds(15), _ condition: @escaping @Sendable ([String]) -> Bool) async {
        let last = Locked<[String]>([])
        let session = session
        let seen = await Waiting.until(within: timeout) {
            let screen = session.screen()
            last.set(screen)
            return condition(screen)
        }
        #expect(seen, "\(what); screen:\n\(last.value.joined(separator: "\n"))")
    }

    /// Waits for loom-top to exit; its status.
    func exitStatus() async throws -> String {
        let after = after
        #expect(await Waiting.until(within: .seconds(15)) { FileManager.default.fileExists(atPath: after) }, "loom-top did not exit")
        return try String(contentsOfFile: exit, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Raw mode undone: the terminal's settings after loom-top are what they were before, or the
    /// test says which lines differ.
    func expectTerminalRestored() throws {
        let first = try String(contentsOfFile: before, encoding: .utf8).split(separator: "\n")
        let second = try String(contentsOfFile: after, encoding: .utf8).split(separator: "\n")
        #expect(first == second, "before: \(first.filter { !second.contains($0) }), after: \(second.filter { !first.contains($0) })")
    }
}
