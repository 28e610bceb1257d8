import AsyncHTTPClient
import ClientKit
import Foundation
import LoomProtocol

/// Which model to ask for when `--model` is not given: the first one the controller serves.
enum ModelDiscovery {
    private struct ModelList: Decodable {
        struct Model: Decodable {
            let id: String
        }

        let data: [Model]
    }

    /// `GET /v1/models` through `client`.
    static func firstModel(at address: ControllerAddress, client: HTTPClient, timeout: Duration) async throws(BenchError) -> String {
        let response: FetchedResponse
        do {
            response = try await client.fetch(address.url("/v1/models"), timeout: timeout)
        } catch {
            throw BenchError("cannot reach \(address): \(error)")
        }
        guard response.status == 200 else { throw BenchError("GET \(address)/v1/models answered HTTP \(response.status)") }
        guard let list = try? JSONDecoder().decode(ModelList.self, from: Data(response.body)) else {
            throw BenchError("\(address)/v1/models is not a model list")
        }
        return try first(of: list.data.map(\.id), at: address)
    }

    /// STATUS on the controller's client socket. Blocking: run it off the cooperative pool.
    static func firstModel(atZeroMQ address: ControllerAddress, timeout: Duration) throws(BenchError) -> String {
        let status: ControllerStatus
        do {
            status = try StatusClient(address: address.description).fetch(timeout: timeout)
        } catch {
            throw BenchError("cannot reach \(address): \(error)")
        }
        let live = status.workers.filter { $0.state == .ready || $0.state == .busy }
        return try first(of: live.flatMap { $0.models.map(\.name) }, at: address)
    }

    private static func first(of models: [String], at address: ControllerAddress) throws(BenchError) -> String {
        guard let first = models.first else { throw BenchError("\(address) has no live worker to say what it serves; give --model") }
        return first
    }
}
