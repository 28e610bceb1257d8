/// How often peers speak and how much silence the controller tolerates (docs/protocol.md, section 5).
public struct Liveness: Sendable, Equatable {
    /// How often workers send HEARTBEAT, and how often the controller does to a worker it sent nothing.
    public var heartbeatInterval: Duration
    /// Intervals of silence after which a worker is gone.
    public var liveness: Int

    public init(heartbeatInterval: Duration = .seconds(1), liveness: Int = 3) {
        self.heartbeatInterval = heartbeatInterval
        self.liveness = max(1, liveness)
    }

    /// Silence after which nothing new is routed to a worker: two intervals (section 5.2), so one
    /// late heartbeat does not make a worker flap.
    public var staleAfter: Duration { heartbeatInterval * min(2, liveness) }

    /// Silence after which a worker is dropped and its requests handled as lost.
    public var expiry: Duration { heartbeatInterval * liveness }
}
