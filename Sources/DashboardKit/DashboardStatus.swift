import LoomProtocol

/// What one poll of the controller says: STATUS_REPLY, or what the HTTP API offers of it.
public struct DashboardStatus: Sendable, Equatable {
    /// Unknown over HTTP, which does not say.
    public var uptimeMs: Int?
    public var counters: Counters
    public var workers: [WorkerStatus]

    public init(uptimeMs: Int?, counters: Counters, workers: [WorkerStatus]) {
        self.uptimeMs = uptimeMs
        self.counters = counters
        self.workers = workers
    }

    public init(_ status: ControllerStatus) {
        self.init(uptimeMs: status.uptimeMs, counters: status.counters, workers: status.workers)
    }
}
