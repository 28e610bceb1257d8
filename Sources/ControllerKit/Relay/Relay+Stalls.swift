import LoomProtocol

extension Relay {
    /// Drops the workers that hold requests and made no progress on any of them for the stall
    /// timeout: a process that registered and takes requests but never answers (heartbeats alone
    /// keep it live), or a worker whose compute is wedged. Its requests are cancelled there and
    /// handled as lost: retried once elsewhere before their first token, else ended `worker_lost`.
    /// It is told DISCONNECT protocol_error, which a worker logs before registering again.
    mutating func dropStalledWorkers(now: ContinuousClock.Instant) {
        guard let timeout = configuration.stallTimeout else { return }
        for entry in registry.stalled(now: now, after: timeout) {
            let loss = WorkerLoss.stalled(timeout)
            logger.warning("worker dropped: it \(loss.phrase) on its requests", metadata: [
                "worker": "\(entry.id)", "in_flight": "\(entry.inFlight)",
            ])
            for record in requests.values where record.worker == entry.id {
                send(WorkerMessage.cancel(requestId: record.key).encode(), toWorker: entry.id, now: now)
            }
            disconnect(entry.id, .protocolError, "worker '\(entry.id)' \(loss.phrase) on its \(entry.inFlight) requests and was dropped")
            registry.remove(entry.id)
            loseRequests(of: entry.id, loss, now: now)
        }
    }
}
