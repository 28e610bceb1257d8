import ClusterSupport
import Foundation

/// A `loom-bench` run as a process: its exit status, stdout, stderr and `--json` report.
struct BenchProcess: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
    /// The `--json` file's bytes, if it was written.
    var report: Data?

    var json: [String: Any]? { report.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } }

    /// Runs loom-bench with `arguments` (plus `--json` to a temporary file), killed if it has not
    /// ended within `timeout`.
    static func run(_ arguments: [String], timeout: Duration = .seconds(60)) async throws -> BenchProcess {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("loom-bench-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: report) }
        let executable = Executables.url("loom-bench").path
        let result = try await Command.run(executable, arguments + ["--json", report.path], timeout: timeout)
        return BenchProcess(
            status: result.status, stdout: result.stdout, stderr: result.stderr,
            report: FileManager.default.contents(atPath: report.path))
    }

    func number(_ key: String) -> Double? {
        (json?[key] as? NSNumber)?.doubleValue
    }

    var errorsByKind: [String: Int] { json?["errors_by_kind"] as? [String: Int] ?? [:] }
}
