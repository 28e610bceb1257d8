import LoomProtocol

extension Relay {
    /// STATUS_REPLY: counters and every registered worker.
    public func status(now: ContinuousClock.Instant) -> ControllerStatus {
        let workers = registry.workers.values.sorted { $0.id < $1.id }.map { entry in
            WorkerStatus(
                id: entry.id, host: entry.registration.host, version: entry.registration.version,
                models: entry.registration.models, state: entry.state(at: now, liveness: registry.liveness),
                heartbeatAgeMs: Int(entry.lastHeard.duration(to: now).seconds * 1000), load: entry.load,
                capacity: entry.registration.capacity)
        }
        let counters = metrics.tally.counters(
            inFlight: requests.count - queue.count, queueLength: queue.count,
            unixSecond: Int64(clock.unixMs(at: now) / 1000))
        return ControllerStatus(uptimeMs: Int(clock.origin.duration(to: now).seconds * 1000), counters: counters, workers: workers)
    }

    /// What the HTTP front door shows: status and live models.
    public func snapshot(now: ContinuousClock.Instant) -> ControllerSnapshot {
        ControllerSnapshot(status: status(now: now), models: registry.liveModels(now: now))
    }

    /// The controller is stopping: workers are told DISCONNECT shutdown, and every request ends
    /// with ERROR cancelled.
    public mutating func shutdown(now: ContinuousClock.Instant) {
        for key in requests.values.sorted(by: { $0.arrival < $1.arrival }).map(\.key) {
            fail(key, .cancelled, "the controller is shutting down", now: now)
        }
        for worker in registry.workers.keys.sorted() {
            disconnect(worker, .shutdown, "the controller is shutting down")
            registry.remove(worker)
        }
    }
}
