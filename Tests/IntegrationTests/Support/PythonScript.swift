import Foundation

/// `python3` run to its end (killed after `timeout`), its standard output and error together.
enum PythonScript {
    struct Run: Sendable {
        let status: Int32
        let output: String
    }

    static func run(_ arguments: [String], timeout: Duration = .seconds(60)) throws -> Run {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-python-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let child = try ChildProcess(
            name: "python3", executable: URL(fileURLWithPath: "/usr/bin/env"), arguments: ["python3"] + arguments,
            logFile: folder.appendingPathComponent("output.log"))
        let deadline = ContinuousClock.now + timeout
        while child.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
        child.stop()
        return Run(status: child.exitStatus, output: child.log)
    }
}
