import CoreMetrics
import Foundation
import Logging
import LoomProtocol

/// The controller's core as a state machine: messages from workers and clients, ticks and failed
/// sends go in; messages to send come out in `effects`. It owns the registry, the load balancer,
/// the queue and every request until it ends, and does no I/O, so tests drive it step by step. Its
/// metrics go to the swift-metrics factory it is given (a registry in memory, or a test's).
///
/// Every request ends with exactly one FINAL or ERROR to its client: from the worker, or from here
/// (timeout at its deadline, overloaded, no_model, no_live_worker, worker_lost).
public struct Relay: Sendable {
    public let configuration: ControllerConfiguration
    public let clock: WallClock
    let logger: Logger
    public internal(set) var registry: WorkerRegistry
    var balancer: LoadBalancer
    var requests: [String: RelayRequest] = [:]
    var byClient: [ClientRequestKey: String] = [:]
    /// Keys of requests waiting for a worker, oldest first (retries of lost requests in front).
    var queue: [String] = []
    var metrics: ControllerMetrics
    /// What to send, in order; the socket thread takes them after each call.
    public var effects: [RelayEffect] = []
    private var issued: UInt64 = 0

    /// `metrics`: the swift-metrics factory the relay records its counters and timers through.
    public init(
        configuration: ControllerConfiguration, clock: WallClock = WallClock(), metrics: any MetricsFactory, logger: Logger
    ) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.metrics = ControllerMetrics(factory: metrics)
        registry = WorkerRegistry(liveness: configuration.liveness, oversubscription: configuration.oversubscription)
        balancer = LoadBalancer(
            policy: configuration.policy, seed: configuration.routingSeed, cacheAware: configuration.cacheAware)
        effects.reserveCapacity(64)
    }

    // MARK: Time

    /// Checks deadlines, expires silent workers, drops stalled ones, sends owed heartbeats and
    /// retries the queue.
    public mutating func tick(now: ContinuousClock.Instant) {
        for entry in registry.expire(now: now) {
            logger.warning("worker gone: silent past liveness", metadata: ["worker": "\(entry.id)"])
            loseRequests(of: entry.id, now: now)
        }
        dropStalledWorkers(now: now)
        let expired = requests.values.filter { $0.deadline <= now }.sorted { $0.arrival < $1.arrival }
        for record in expired {
            let seconds = String(format: "%.1f", record.arrival.duration(to: record.deadline).seconds)
            fail(record.key, .timeout, "no answer within the deadline of \(seconds) s", now: now)
        }
        for id in registry.heartbeatsDue(now: now) {
            send(WorkerMessage.heartbeat(nil).encode(), toWorker: id, now: now)
        }
        metrics.sample(at: now)
        drainQueue(now: now)
    }

    // MARK: Ends

    /// Ends a request with ERROR `code` to its client, cancelling it at its worker if it has one.
    mutating func fail(_ key: String, _ code: ErrorCode, _ message: String, now: ContinuousClock.Instant) {
        guard let record = requests[key] else { return }
        if let worker = record.worker, registry[worker] != nil {
            send(WorkerMessage.cancel(requestId: key).encode(), toWorker: worker, now: now)
        }
        let error = RequestError(requestId: record.clientRequestId, code: code, message: message)
        effects.append(.toClient(record.client, requestId: record.clientRequestId, ClientMessage.error(error).encode(), ends: true))
        end(key, RequestOutcome(code), sentError: true, now: now)
    }

    /// Forgets a request that ended, freeing its place at its worker or in the queue.
    mutating func end(_ key: String, _ outcome: RequestOutcome, sentError: Bool, now: ContinuousClock.Instant) {
        guard let record = requests.removeValue(forKey: key) else { return }
        byClient[ClientRequestKey(client: record.client, requestId: record.clientRequestId)] = nil
        if let worker = record.worker {
            releaseSlot(on: worker)
        } else {
            queue.removeAll { $0 == key }
        }
        metrics.recordEnd(
            outcome, after: record.arrival.duration(to: now), sentError: sentError,
            unixSecond: Int64(clock.unixMs(at: now) / 1000))
    }

    /// One request of `worker` ended there; a draining worker with none left is forgotten.
    mutating func releaseSlot(on worker: String) {
        registry.noteEnded(on: worker)
        if let entry = registry[worker], entry.isDraining, entry.inFlight == 0 {
            logger.info("worker drained and left", metadata: ["worker": "\(worker)"])
            registry.remove(worker)
        }
    }

    /// Refuses a message before any request was made of it (undecodable, duplicate id).
    mutating func reject(_ client: ClientAddress, requestId: String, _ code: ErrorCode, _ message: String, now: ContinuousClock.Instant) {
        let error = RequestError(requestId: requestId, code: code, message: message)
        effects.append(.toClient(client, requestId: requestId, ClientMessage.error(error).encode(), ends: true))
        metrics.recordRejection(RequestOutcome(code), unixSecond: Int64(clock.unixMs(at: now) / 1000))
    }

    // MARK: Bookkeeping shared by the extensions

    mutating func send(_ frames: [[UInt8]], toWorker id: String, now: ContinuousClock.Instant) {
        effects.append(.toWorker(id, frames))
        registry.recordSent(to: id, now: now)
    }

    mutating func nextKey() -> String {
        issued += 1
        return "r" + String(issued, radix: 36)
    }

    /// Requests dispatched or queued, not yet ended.
    public var requestCount: Int { requests.count }

    /// Requests waiting for a worker.
    public var queueLength: Int { queue.count }

    /// Whether the controller is young enough that workers may still be registering.
    func withinRegistrationGrace(_ now: ContinuousClock.Instant) -> Bool {
        clock.origin.duration(to: now) < configuration.registrationGrace
    }
}
