import ControllerKit
import Foundation
import LoomProtocol
import Testing

/// A controller with its HTTP front door on a free loopback port, and synthetic workers.
final class HTTPCluster: Sendable {
    let services: ControllerServices
    private let workers = Locked<[SyntheticWorker]>([])

    private init(_ adjust: (inout ControllerConfiguration) -> Void) async throws {
        services = try await ControllerServices.start(testConfiguration(adjust), logger: quietLogger)
    }

    /// Runs `body` with a new cluster, and stops the cluster and its workers however it ends.
    static func with(
        _ adjust: (inout ControllerConfiguration) -> Void = { _ in }, _ body: (HTTPCluster) async throws -> Void
    ) async throws {
        let cluster = try await HTTPCluster(adjust)
        do {
            try await body(cluster)
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    var port: Int { services.httpPort }

    func worker(_ id: String, _ adjust: (inout SyntheticWorker.Settings) -> Void = { _ in }) async throws -> SyntheticWorker {
        var settings = SyntheticWorker.Settings(id: id)
        adjust(&settings)
        let worker = try SyntheticWorker(settings, endpoint: services.relay.workerEndpoint)
        workers.update { $0.append(worker) }
        let registered = await eventually { self.services.relay.snapshot.liveWorkers.contains { $0.id == id } }
        #expect(registered, "worker \(id) registers")
        return worker
    }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> HTTPTestResponse {
        try await HTTPConnection.exchange(port: port, "GET", path, headers: headers)
    }

    func post(_ path: String, json: String, headers: [String: String] = [:]) async throws -> HTTPTestResponse {
        try await HTTPConnection.exchange(port: port, "POST", path, headers: headers, body: Array(json.utf8))
    }

    private func stop() async {
        await services.stop()
        for worker in workers.value { worker.kill() }
    }
}

/// The `data:` payloads of an SSE body, in order.
func serverSentEvents(_ body: String) -> [String] {
    body.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { event in
        event.hasPrefix("data: ") ? String(event.dropFirst("data: ".count)) : "not an SSE data line: \(event)"
    }
}

func jsonObject(_ text: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
}

/// A chat request body asking `tokens` tokens.
func chatBody(model: String = testModel.name, tokens: Int = 3, stream: Bool = false, extra: String = "") -> String {
    #"{"model":"\#(model)","messages":[{"role":"user","content":"Hi"}],"max_tokens":\#(tokens),"stream":\#(stream)\#(extra)}"#
}
