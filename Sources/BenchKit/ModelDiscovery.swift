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

    /// Blocking: run it off the cooperative pool.
    static func firstModel(at address: ControllerAddress, timeout: Duration) throws(BenchError) -> String {
        let models: [String]
        switch address {
        case .http(let host, let port):
            do {
                let response = try HTTPResponse.fetch(.get("/v1/models"), host: host, port: port, timeout: timeout)
                guard response.status == 200 else { throw BenchError("GET \(address)/v1/models answered HTTP \(response.status)") }
                models = try JSONDecoder().decode(ModelList.self, from: Data(response.body)).data.map(\.id)
            } catch let error as BenchError {
                throw error
            } catch let error as HTTPClientError {
                throw BenchError("cannot reach \(address): \(error)")
            } catch {
                throw BenchError("\(address)/v1/models is not a model list")
            }
        case .zeroMQ:
            do {
                let status = try StatusClient(address: address.description).fetch(timeout: timeout)
                models = status.workers.filter { $0.state == .ready || $0.state == .busy }.flatMap { $0.models.map(\.name) }
            } catch {
                throw BenchError("cannot reach \(address): \(error)")
            }
        }
        guard let first = models.first else { throw BenchError("\(address) has no live worker to say what it serves; give --model") }
        return first
    }
}
