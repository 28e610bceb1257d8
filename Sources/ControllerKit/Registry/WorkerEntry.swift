import LoomProtocol

/// One registered worker as the controller sees it: what it said at READY, what its heartbeats
/// say, and what the controller has sent it since.
public struct WorkerEntry: Sendable, Equatable {
    public var registration: Registration
    /// When anything was last heard from it (any message counts as a heartbeat).
    public var lastHeard: ContinuousClock.Instant
    /// When the controller last sent it anything; its own HEARTBEAT is due an interval later.
    public var lastSent: ContinuousClock.Instant
    /// From its last HEARTBEAT; zeros until the first (but the prefix cache's totals, kept when
    /// the same process registers again: `WorkerRegistry.register`).
    public var load: WorkerLoad
    /// Requests dispatched to it since that heartbeat: LLaVA's optimistic increment, so a burst of
    /// requests between two heartbeats does not all land on the worker that looked idlest.
    public var dispatchedSinceHeartbeat = 0
    /// Requests the controller dispatched to it that have not ended.
    public var inFlight = 0
    /// Its last non-zero tokens/s: an idle worker reports 0 for its last window but is no slower.
    public var measuredTokensPerSecond: Double = 0
    /// It said DISCONNECT shutdown with requests in flight: they finish, nothing new is sent to it.
    public var isDraining = false
    /// When it last made progress (a reply to one of its requests, or a heartbeat whose load
    /// moved), or took its first request after having none: the stall clock starts here.
    public var progressAt: ContinuousClock.Instant

    public init(registration: Registration, now: ContinuousClock.Instant) {
        self.registration = registration
        lastHeard = now
        lastSent = now
        progressAt = now
        load = WorkerLoad(
            waiting: 0, running: 0, kvBlocksUsed: 0, kvBlocksTotal: registration.capacity.kvBlocks,
            tokensPerSecond: 0, recentImages: [])
    }

    public var id: String { registration.workerId }

    /// Its requests by its last heartbeat, plus what was dispatched since.
    public var outstanding: Int { load.waiting + load.running + dispatchedSinceHeartbeat }

    public func serves(_ model: String) -> Bool {
        registration.models.contains { $0.name == model }
    }

    /// It holds requests and has made no progress on any of them for `timeout` (see `WorkerLoad.showsWork`).
    public func isStalled(at now: ContinuousClock.Instant, after timeout: Duration) -> Bool {
        inFlight > 0 && progressAt.duration(to: now) >= timeout
    }

    /// Its state at `now` (docs/protocol.md, section 5.2).
    public func state(at now: ContinuousClock.Instant, liveness: Liveness) -> WorkerState {
        let silence = lastHeard.duration(to: now)
        if silence >= liveness.expiry { return .gone }
        // A draining worker is shown as stale: nothing new is routed to it.
        if silence >= liveness.staleAfter || isDraining { return .stale }
        let full = load.running >= registration.capacity.maxRunningSequences
        return full || load.waiting > 0 ? .busy : .ready
    }

    /// Ready or busy: heard from recently enough, and not draining, to be routed to.
    public func isLive(at now: ContinuousClock.Instant, liveness: Liveness) -> Bool {
        !isDraining && lastHeard.duration(to: now) < liveness.staleAfter
    }
}
