import LoomProtocol

extension Relay {
    /// Where a request could go just now.
    enum Placement {
        case dispatched
        /// Live workers serve the model but none has room: wait in the queue.
        case noRoom
        /// No live worker serves the model.
        case unavailable(ErrorCode, String)
    }

    /// Dispatches a request, or queues it, or ends it: `overloaded` when the queue is full,
    /// `no_model` / `no_live_worker` when no live worker serves its model (after the registration
    /// grace that follows a controller start). A retry of a lost request goes to the queue's front
    /// and is not refused for a full queue: it was admitted once already.
    mutating func place(_ key: String, now: ContinuousClock.Instant, isRetry: Bool) {
        switch tryDispatch(key, now: now) {
        case .dispatched:
            return
        case .unavailable(let code, let message) where !withinRegistrationGrace(now):
            fail(key, code, isRetry ? "its worker was lost before the first token, and \(message)" : message, now: now)
        case .noRoom, .unavailable:
            if isRetry {
                queue.insert(key, at: 0)
            } else if queue.count < configuration.maxQueue {
                queue.append(key)
            } else {
                let message = "\(configuration.maxQueue) requests are already waiting for a worker; retry later"
                fail(key, .overloaded, message, now: now)
            }
        }
    }

    /// Sends a request to the worker the balancer picks, preferring workers it was not lost on.
    mutating func tryDispatch(_ key: String, now: ContinuousClock.Instant) -> Placement {
        guard var record = requests[key], let request = record.pending else { return .dispatched }
        guard !registry.liveWorkers(serving: record.model, now: now).isEmpty else {
            return registry.knownModels.contains(record.model)
                ? .unavailable(.noLiveWorker, "the workers serving model '\(record.model)' are all stale or gone")
                : .unavailable(.noModel, "no worker serves model '\(record.model)'")
        }
        var candidates = registry.candidates(for: record.model, now: now, excluding: record.lostOn)
        if candidates.isEmpty && !record.lostOn.isEmpty {
            candidates = registry.candidates(for: record.model, now: now)
        }
        guard let worker = balancer.pick(among: candidates, hints: record.hints) else { return .noRoom }
        send(WorkerMessage.request(request).encode(), toWorker: worker, now: now)
        registry.noteDispatched(to: worker, now: now)
        record.worker = worker
        record.attempts += 1
        requests[key] = record
        return .dispatched
    }

    /// Dispatches what the queue holds, oldest first, as far as workers have room; ends queued
    /// requests whose model no live worker serves once the registration grace is over.
    mutating func drainQueue(now: ContinuousClock.Instant) {
        var index = 0
        while index < queue.count {
            let key = queue[index]
            switch tryDispatch(key, now: now) {
            case .dispatched:
                queue.remove(at: index)
            case .unavailable(let code, let message) where !withinRegistrationGrace(now):
                // `fail` takes it out of the queue.
                fail(key, code, message, now: now)
            case .noRoom, .unavailable:
                index += 1
            }
        }
    }

    /// Handles the requests of a worker that is gone (expired, disconnected, unreachable or
    /// re-registered): those that streamed nothing yet are sent again, once, preferably elsewhere;
    /// the others end with `worker_lost`.
    mutating func loseRequests(of worker: String, _ loss: WorkerLoss = .lost, now: ContinuousClock.Instant) {
        balancer.forget(worker)
        // Newest first: each retry goes to the queue's front, so they end up oldest first.
        let lost = requests.values.filter { $0.worker == worker }.sorted { $0.arrival > $1.arrival }
        for record in lost {
            retryOrFail(record, lostOn: worker, loss, now: now)
        }
    }

    /// A request its worker will not answer: sent again, once, preferably elsewhere, if it streamed
    /// nothing yet; else ended with `worker_lost`. One its client cancelled ends cancelled: its
    /// client is gone or no longer wants it.
    mutating func retryOrFail(
        _ record: RelayRequest, lostOn worker: String, _ loss: WorkerLoss = .lost, now: ContinuousClock.Instant
    ) {
        var record = record
        // Detached first: the worker's entry (gone, or its successor's) owes it nothing.
        record.worker = nil
        requests[record.key] = record
        if record.cancelRequested {
            endCancelled(record, now: now)
            return
        }
        guard !record.hasStreamed, record.attempts < 2 else {
            let message = record.hasStreamed
                ? "worker '\(worker)' \(loss.phrase) after \(record.completionTokens) tokens; the text already streamed is all there is"
                : "worker '\(worker)' \(loss.phrase) before the first token, and it was the request's second worker"
            fail(record.key, .workerLost, message, now: now)
            return
        }
        logger.info("retrying a request whose worker was lost before the first token",
                    metadata: ["request": "\(record.key)", "worker": "\(worker)"])
        record.lostOn.insert(worker)
        requests[record.key] = record
        place(record.key, now: now, isRetry: true)
    }

    /// A send to a worker failed (`EHOSTUNREACH`: it is not connected; `EAGAIN`: its queue is full,
    /// which on a connection this lightly used means it is wedged): it is gone.
    public mutating func workerUnreachable(_ worker: String, now: ContinuousClock.Instant) {
        guard registry.remove(worker) != nil else { return }
        logger.warning("worker gone: unreachable", metadata: ["worker": "\(worker)"])
        loseRequests(of: worker, now: now)
        drainQueue(now: now)
    }
}
