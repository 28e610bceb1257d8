import AsyncHTTPClient
import ClientKit
import Foundation
import Synchronization

/// A real `loom-controller` on loopback ports it picks itself, and `loom-worker serve` processes
/// on the tiny fixture model. `stop()` (also on deinit) kills every process it started.
public final class LocalCluster: Sendable {
    public let controller: ChildProcess
    /// `tcp://127.0.0.1:PORT` of the client ROUTER.
    public let clients: String
    /// `http://127.0.0.1:PORT`.
    public let http: String
    private let workerEndpoint: String
    private let heartbeatMs: Int
    private let workers = Mutex<[String: ChildProcess]>([:])

    /// Starts the controller and waits until it says where it listens.
    public init(heartbeatMs: Int = 200, liveness: Int = 3) async throws {
        self.heartbeatMs = heartbeatMs
        controller = try ChildProcess(
            Executables.url("loom-controller"),
            [
                "--workers", "tcp://127.0.0.1:*", "--clients", "tcp://127.0.0.1:*", "--http", "127.0.0.1:0",
                "--heartbeat-ms", String(heartbeatMs), "--liveness", String(liveness),
            ],
            name: "loom-controller")
        let controller = self.controller
        guard await Waiting.until(within: .seconds(20), { controller.output.contains("loom-controller running") }),
            let clients = Self.value(of: "clients", in: controller.output),
            let http = Self.value(of: "http", in: controller.output),
            let workers = Self.value(of: "workers", in: controller.output)
        else {
            controller.kill()
            throw ClusterError("the controller did not start: \(controller.output)")
        }
        self.clients = clients
        self.http = "http://" + http
        workerEndpoint = workers
    }

    deinit { stop() }

    /// Starts `loom-worker serve` on the tiny model as `id`.
    public func startWorker(_ id: String) throws {
        let worker = try ChildProcess(
            Executables.url("loom-worker"),
            [
                "serve", "--controller", workerEndpoint, "--model", Executables.tinyModel.path,
                "--mmproj", Executables.tinyProjector.path, "--id", id, "--heartbeat-ms", String(heartbeatMs),
                "--threads", "1",
            ],
            name: "loom-worker \(id)")
        workers.withLock { $0[id] = worker }
    }

    public func worker(_ id: String) -> ChildProcess? {
        workers.withLock { $0[id] }
    }

    /// The ids `GET /v1/workers` lists as ready or busy. Blocking.
    public func liveWorkers() -> Set<String> {
        guard let response = get("/v1/workers"),
            let document = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let data = document["data"] as? [[String: Any]]
        else { return [] }
        return Set(data.compactMap { entry in
            ["ready", "busy"].contains(entry["state"] as? String) ? entry["id"] as? String : nil
        })
    }

    /// `loom_generation_tokens_total` from `/metrics`: tokens relayed since the controller started. Blocking.
    public func generatedTokens() -> Int {
        guard let response = get("/metrics") else { return 0 }
        let line = String(decoding: response.body, as: UTF8.self).split(separator: "\n")
            .first { $0.hasPrefix("loom_generation_tokens_total ") }
        return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
    }

    /// Waits until every one of `ids` is live; whether they all came.
    public func waitForWorkers(_ ids: Set<String>, within timeout: Duration = .seconds(30)) async -> Bool {
        await Waiting.until(within: timeout) { ids.isSubset(of: self.liveWorkers()) }
    }

    /// One GET to the HTTP API through the shared client; `nil` if it failed. Blocking.
    private func get(_ path: String) -> FetchedResponse? {
        guard let url = (try? ControllerAddress.http(http))?.url(path) else { return nil }
        return try? blockingWait { () async throws(HTTPFailure) in try await HTTPClient.shared.fetch(url, timeout: .seconds(2)) }
    }

    /// Kills the workers and the controller.
    public func stop() {
        for worker in workers.withLock({ Array($0.values) }) { worker.kill() }
        controller.kill()
    }

    /// What every process wrote, for a failing test's message.
    public var logs: String {
        ([controller] + workers.withLock { Array($0.values) }).map { "--- \($0.name)\n\($0.output)" }.joined(separator: "\n")
    }

    /// `key=value` from the controller's "running" log line.
    private static func value(of key: String, in log: String) -> String? {
        log.split(whereSeparator: { $0 == " " || $0 == "\n" }).first { $0.hasPrefix(key + "=") }
            .map { String($0.dropFirst(key.count + 1)) }
    }
}

public struct ClusterError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
