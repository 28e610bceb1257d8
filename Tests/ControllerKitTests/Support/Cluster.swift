import ControllerKit
import LoomProtocol
import Testing

/// A controller in this process with synthetic workers and a ZeroMQ client around it.
final class Cluster: Sendable {
    let relay: SocketRelay
    let client: TestClient

    init(metrics: MetricsBackend = MetricsBackend(), _ adjust: (inout ControllerConfiguration) -> Void = { _ in }) throws {
        relay = try SocketRelay.start(testConfiguration(adjust), metrics: metrics, logger: quietLogger)
        client = try TestClient(endpoint: relay.clientEndpoint)
    }

    /// Starts a worker and waits until the controller lists it as live.
    func worker(_ id: String, _ adjust: (inout SyntheticWorker.Settings) -> Void = { _ in }) async throws -> SyntheticWorker {
        var settings = SyntheticWorker.Settings(id: id)
        adjust(&settings)
        let worker = try SyntheticWorker(settings, endpoint: relay.workerEndpoint)
        let registered = await eventually { self.relay.snapshot.liveWorkers.contains { $0.id == id } }
        #expect(registered, "worker \(id) registers")
        return worker
    }

    func isListed(_ id: String) -> Bool {
        relay.snapshot.status.workers.contains { $0.id == id }
    }

    func stop(_ workers: [SyntheticWorker]) {
        client.close()
        relay.shutdown()
        for worker in workers { worker.kill() }
    }
}
