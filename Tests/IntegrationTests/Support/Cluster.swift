import Foundation
import Synchronization

/// The processes of one test: controllers and workers on 127.0.0.1, each logging to a file in a
/// folder of the test's own. `stopAll()`, in a `defer`, kills every one of them.
final class Cluster: Sendable {
    static let heartbeatMs = 200
    static let liveness = 3
    /// How long a silent peer is given: `liveness` heartbeat intervals.
    static let expiry: Duration = .milliseconds(heartbeatMs * liveness)
    /// On top of `expiry` for anything measured against it: scheduling noise on a shared 2-core machine.
    static let slack: Duration = .seconds(1)
    /// Model loading, process start and the like: only reached when something is broken.
    static let patience: Duration = .seconds(30)

    let folder: URL
    private let children = Mutex<[ChildProcess]>([])

    init(_ name: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { stopAll() }

    /// Starts `loom-controller` with short heartbeats and waits until it listens. Without `endpoints`
    /// it binds free ports and reads which from its log.
    func startController(_ options: [String] = [], endpoints: ControllerEndpoints? = nil) async throws -> ControllerProcess {
        let name = "controller-\(children.withLock(\.count))"
        let given = endpoints ?? ControllerEndpoints(workers: "tcp://127.0.0.1:*", clients: "tcp://127.0.0.1:*", http: "127.0.0.1:0")
        let child = try launch(name, "loom-controller", [
            "--workers", given.workers, "--clients", given.clients, "--http", given.http,
            "--heartbeat-ms", "\(Self.heartbeatMs)", "--liveness", "\(Self.liveness)",
        ] + options)
        guard let log = await child.waitForLog(within: Self.patience, { $0.contains("loom-controller running") }),
            let bound = ControllerEndpoints(runningLine: log)
        else { throw StartFailure(child.logTail) }
        return ControllerProcess(child: child, endpoints: bound)
    }

    /// Starts `loom-worker serve` on `model` for `controller` (one compute thread: the machine is shared).
    func startWorker(_ id: String, _ model: WorkerModel, controller: ControllerProcess, options: [String] = []) throws -> ChildProcess {
        try launch(id, "loom-worker", [
            "serve", "--controller", controller.endpoints.workers, "--id", id, "--advertise", "127.0.0.1",
            "--heartbeat-ms", "\(Self.heartbeatMs)", "--liveness", "\(Self.liveness)", "--threads", "1",
        ] + model.arguments + options)
    }

    /// Kills every process this cluster started, waits for each to exit, and removes the logs.
    func stopAll() {
        for child in children.withLock({ $0 }) { child.stop() }
        try? FileManager.default.removeItem(at: folder)
    }

    /// The end of every log, for failure messages.
    var logs: String { children.withLock { $0 }.map(\.logTail).joined(separator: "\n---\n") }

    private func launch(_ name: String, _ executable: String, _ arguments: [String]) throws -> ChildProcess {
        let child = try ChildProcess(
            name: name, executable: try Paths.executable(executable), arguments: arguments,
            logFile: folder.appendingPathComponent("\(name).log"))
        children.withLock { $0.append(child) }
        return child
    }

    struct StartFailure: Error, CustomStringConvertible {
        let log: String
        init(_ log: String) { self.log = log }
        var description: String { "the controller did not start:\n\(log)" }
    }
}

/// What a worker serves.
enum WorkerModel {
    /// The tiny random LLaVA of the fixtures, with its vision projector.
    case tinyLLaVA
    /// SmolLM2-135M-Instruct at `path`.
    case smolLM2(String)

    /// The name the worker serves it under.
    var name: String {
        switch self {
        case .tinyLLaVA: "tiny-llama-f32"
        case .smolLM2: "SmolLM2-135M-Instruct"
        }
    }

    var arguments: [String] {
        switch self {
        case .tinyLLaVA:
            ["--model", Paths.image("tiny-llama-f32.gguf").path, "--mmproj", Paths.image("tiny-mmproj-f32.gguf").path]
        case .smolLM2(let path):
            ["--model", path]
        }
    }
}
