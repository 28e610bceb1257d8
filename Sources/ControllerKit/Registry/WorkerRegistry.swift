import LoomProtocol

/// The workers the controller knows, by id: a value type with time passed in, so registration,
/// replacement, refusal and expiry are tested without sockets or clocks.
public struct WorkerRegistry: Sendable {
    /// What a READY did to the registry (docs/protocol.md, section 5.4).
    public enum ReadyOutcome: Sendable, Equatable {
        /// A new id.
        case registered
        /// The id was known: the same process reconnecting, or a new one after the old went silent.
        /// The old entry's requests in flight are lost.
        case replaced(WorkerEntry)
        /// Another process holds the id and is live: the newcomer gets DISCONNECT duplicate_worker_id.
        case refused(existing: WorkerEntry)
    }

    public let liveness: Liveness
    /// Requests dispatched to one worker and not ended, per sequence it can run, before the
    /// controller holds further requests in its own queue; above 1 so the worker's scheduler has
    /// the next request at hand when a sequence ends.
    public let oversubscription: Int
    public private(set) var workers: [String: WorkerEntry] = [:]
    /// Every model any worker has registered since the controller started: tells `no_model` from
    /// `no_live_worker`.
    public private(set) var knownModels: Set<String> = []
    /// READYs refused as duplicates, since start.
    public private(set) var refusedDuplicates = 0

    public init(liveness: Liveness = Liveness(), oversubscription: Int = 2) {
        self.liveness = liveness
        self.oversubscription = max(1, oversubscription)
    }

    public subscript(id: String) -> WorkerEntry? { workers[id] }

    /// Registers a worker, replaces its entry, or refuses it as a duplicate.
    public mutating func register(_ registration: Registration, now: ContinuousClock.Instant) -> ReadyOutcome {
        let id = registration.workerId
        let outcome: ReadyOutcome
        var entry = WorkerEntry(registration: registration, now: now)
        if let existing = workers[id] {
            let sameProcess = existing.registration.instance == registration.instance
            guard sameProcess || !existing.isLive(at: now, liveness: liveness) else {
                refusedDuplicates += 1
                return .refused(existing: existing)
            }
            // The same process counts on from where it was: until its next heartbeat, its prefix
            // cache's totals are the last ones heard, not zeros (which `/metrics` would show as a reset).
            // Its image encoder's totals likewise; its encoder queue emptied with the requests it dropped.
            if sameProcess {
                entry.load.prefixCache = existing.load.prefixCache
                entry.load.vision = VisionCounters(
                    imagesEncoded: existing.load.vision.imagesEncoded, encodeSeconds: existing.load.vision.encodeSeconds)
            }
            outcome = .replaced(existing)
        } else {
            outcome = .registered
        }
        workers[id] = entry
        knownModels.formUnion(registration.models.map(\.name))
        return outcome
    }

    /// Notes that something came from `id`; `false` if it is not registered.
    public mutating func heard(from id: String, now: ContinuousClock.Instant) -> Bool {
        guard workers[id] != nil else { return false }
        workers[id]?.lastHeard = now
        return true
    }

    /// A HEARTBEAT's load; the optimistic increment starts over from it.
    public mutating func record(_ load: WorkerLoad, from id: String) {
        guard var entry = workers[id] else { return }
        entry.load = load
        entry.dispatchedSinceHeartbeat = 0
        if load.tokensPerSecond > 0 { entry.measuredTokensPerSecond = load.tokensPerSecond }
        workers[id] = entry
    }

    public mutating func recordSent(to id: String, now: ContinuousClock.Instant) {
        workers[id]?.lastSent = now
    }

    /// It made progress: a reply to one of its requests, or a heartbeat whose load moved.
    public mutating func noteProgress(of id: String, now: ContinuousClock.Instant) {
        workers[id]?.progressAt = now
    }

    /// A request goes to it; one that had none starts its stall clock here.
    public mutating func noteDispatched(to id: String, now: ContinuousClock.Instant) {
        if workers[id]?.inFlight == 0 { workers[id]?.progressAt = now }
        workers[id]?.inFlight += 1
        workers[id]?.dispatchedSinceHeartbeat += 1
    }

    /// The worker is leaving once its requests in flight end; nothing new goes to it.
    public mutating func startDraining(_ id: String) {
        workers[id]?.isDraining = true
    }

    public mutating func noteEnded(on id: String) {
        guard let inFlight = workers[id]?.inFlight else { return }
        workers[id]?.inFlight = max(0, inFlight - 1)
    }

    /// Removes and returns the workers silent past liveness.
    public mutating func expire(now: ContinuousClock.Instant) -> [WorkerEntry] {
        let gone = workers.values.filter { $0.state(at: now, liveness: liveness) == .gone }
        for entry in gone { workers[entry.id] = nil }
        return gone.sorted { $0.id < $1.id }
    }

    /// Workers holding requests without progress on any for `timeout`, by id.
    public func stalled(now: ContinuousClock.Instant, after timeout: Duration) -> [WorkerEntry] {
        workers.values.filter { $0.isStalled(at: now, after: timeout) }.sorted { $0.id < $1.id }
    }

    @discardableResult
    public mutating func remove(_ id: String) -> WorkerEntry? {
        workers.removeValue(forKey: id)
    }

    /// Live workers serving `model`, by id.
    public func liveWorkers(serving model: String, now: ContinuousClock.Instant) -> [WorkerEntry] {
        workers.values
            .filter { $0.serves(model) && $0.isLive(at: now, liveness: liveness) }
            .sorted { $0.id < $1.id }
    }

    /// The most requests the controller keeps dispatched to `entry` at once.
    public func admissionLimit(of entry: WorkerEntry) -> Int {
        max(1, entry.registration.capacity.maxRunningSequences) * oversubscription
    }

    /// Live workers serving `model` with room for another request, by id, `excluding` some.
    public func candidates(
        for model: String, now: ContinuousClock.Instant, excluding excluded: Set<String> = []
    ) -> [WorkerEntry] {
        liveWorkers(serving: model, now: now).filter {
            !excluded.contains($0.id) && $0.inFlight < admissionLimit(of: $0)
        }
    }

    /// Registered workers the controller has sent nothing for an interval: they are owed a HEARTBEAT.
    public func heartbeatsDue(now: ContinuousClock.Instant) -> [String] {
        workers.values
            .filter { $0.lastSent.duration(to: now) >= liveness.heartbeatInterval }
            .map(\.id)
            .sorted()
    }

    /// Models served by live workers, with their context lengths (the largest where workers differ).
    public func liveModels(now: ContinuousClock.Instant) -> [ModelInfo] {
        var models: [String: ModelInfo] = [:]
        for entry in workers.values where entry.isLive(at: now, liveness: liveness) {
            for model in entry.registration.models {
                if let known = models[model.name], known.contextLength >= model.contextLength { continue }
                models[model.name] = model
            }
        }
        return models.values.sorted { $0.name < $1.name }
    }
}
