import ControllerKit
import LoomProtocol
import Testing

/// A controller in this process with synthetic workers and a ZeroMQ client around it.
final class Cluster: Sendable {
    let controller: Controller
    let client: TestClient

    init(_ adjust: (inout ControllerConfiguration) -> Void = { _ in }) throws {
        controller = try Controller.start(testConfiguration(adjust), logger: quietLogger)
        client = try TestClient(endpoint: controller.clientEndpoint)
    }

    /// Starts a worker and waits until the controller lists it as live.
    func worker(_ id: String, _ adjust: (inout SyntheticWorker.Settings) -> Void = { _ in }) async throws -> SyntheticWorker {
        var settings = SyntheticWorker.Settings(id: id)
        adjust(&settings)
        let worker = try SyntheticWorker(settings, endpoint: controller.workerEndpoint)
        let registered = await eventually { self.controller.snapshot.liveWorkers.contains { $0.id == id } }
        #expect(registered, "worker \(id) registers")
        return worker
    }

    func isListed(_ id: String) -> Bool {
        controller.snapshot.status.workers.contains { $0.id == id }
    }

    func stop(_ workers: [SyntheticWorker]) {
        client.close()
        controller.shutdown()
        for worker in workers { worker.kill() }
    }
}
