import LoomProtocol

/// The controller's state as the socket thread last published it (every tick): what the HTTP
/// front door serves for /v1/models, /v1/workers and /health.
public struct ControllerSnapshot: Sendable {
    public var status: ControllerStatus
    /// Models of live workers.
    public var models: [ModelInfo]

    public init(status: ControllerStatus, models: [ModelInfo]) {
        self.status = status
        self.models = models
    }

    /// Workers that are ready or busy.
    public var liveWorkers: [WorkerStatus] {
        status.workers.filter { $0.state == .ready || $0.state == .busy }
    }

    public static let empty = ControllerSnapshot(
        status: ControllerStatus(uptimeMs: 0, counters: Counters(), workers: []), models: [])
}
