import Foundation

/// Where a controller listens, as its options take them.
struct ControllerEndpoints: Sendable {
    var workers: String
    var clients: String
    /// host:port
    var http: String

    init(workers: String, clients: String, http: String) {
        self.workers = workers
        self.clients = clients
        self.http = http
    }

    /// The bound endpoints, from the `loom-controller running` log line's `key=value` fields.
    init?(runningLine log: String) {
        guard let line = log.split(separator: "\n").first(where: { $0.contains("loom-controller running") }) else { return nil }
        func value(_ key: String) -> String? {
            line.split(separator: " ").first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
        }
        guard let workers = value("workers"), let clients = value("clients"), let http = value("http") else { return nil }
        self.init(workers: workers, clients: clients, http: http)
    }

    var httpPort: Int? { http.split(separator: ":").last.flatMap { Int($0) } }
}

/// A running `loom-controller`.
struct ControllerProcess: Sendable {
    let child: ChildProcess
    let endpoints: ControllerEndpoints

    var client: LoomClient { LoomClient(port: endpoints.httpPort ?? 0) }

    /// `/v1/workers`' entries, or none when it cannot be read.
    func workers() async -> [WorkerEntry] {
        guard let data = try? await client.get("/v1/workers").json?["data"] as? [[String: Any]] else { return [] }
        return data.map(WorkerEntry.init)
    }

    /// Ids of `/v1/models`.
    func models() async -> [String] {
        let data = (try? await client.get("/v1/models").json?["data"] as? [[String: Any]]) ?? []
        return data.compactMap { $0["id"] as? String }
    }

    /// Waits until `/v1/workers` lists exactly `ids`, all live; whether it came to.
    func waitForWorkers(_ ids: Set<String>, within timeout: Duration = Cluster.patience) async -> Bool {
        await eventually(within: timeout) {
            let listed = await workers()
            return Set(listed.map(\.id)) == ids && listed.allSatisfy(\.isLive)
        }
    }
}

/// One entry of `/v1/workers`.
struct WorkerEntry: Sendable {
    let id: String
    let state: String
    let running: Int

    init(_ object: [String: Any]) {
        id = object["id"] as? String ?? ""
        state = object["state"] as? String ?? ""
        let load = object["load"] as? [String: Any]
        running = load?["running"] as? Int ?? 0
    }

    var isLive: Bool { state == "ready" || state == "busy" }
}

extension ControllerProcess {
    /// The value of an unlabelled series of `/metrics`.
    func metric(_ name: String) async -> Double? {
        guard let text = try? await client.get("/metrics").text else { return nil }
        return text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
            .flatMap { Double($0.split(separator: " ")[1]) }
    }
}
