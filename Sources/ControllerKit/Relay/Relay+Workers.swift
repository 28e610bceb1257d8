import Logging
import LoomProtocol

extension Relay {
    /// A message from the worker whose routing id is `routingId`.
    public mutating func receive(fromWorker routingId: [UInt8], _ frames: [[UInt8]], now: ContinuousClock.Instant) {
        let worker = String(decoding: routingId, as: UTF8.self)
        let envelope: Envelope
        do {
            envelope = try Envelope(frames, from: .worker, limits: configuration.limits)
        } catch {
            if registry.heard(from: worker, now: now) {
                logger.warning("discarded a malformed message", metadata: ["worker": "\(worker)", "error": "\(error)"])
            } else {
                disconnect(worker, .protocolError, "the message could not be decoded: \(error)")
            }
            return
        }
        if envelope.command == .ready {
            ready(frames, routingId: routingId, now: now)
            return
        }
        guard registry.heard(from: worker, now: now) else {
            // A worker that expired, or that was registered with a controller before this one
            // started: it registers again when told (docs/protocol.md, section 5.2).
            if envelope.command != .disconnect {
                disconnect(worker, .notRegistered, "this controller does not know worker '\(worker)': send READY")
            }
            return
        }
        switch envelope.command {
        case .partial:
            // The hot path; a token frees no room, so the queue is left alone.
            relayPartial(envelope, frames, from: worker, now: now)
            return
        case .heartbeat: heartbeat(frames, from: worker, now: now)
        case .final: relayFinal(envelope, frames, from: worker, now: now)
        case .error: relayError(envelope, frames, from: worker, now: now)
        case .disconnect:
            leave(worker, now: now)
        case .ready, .request, .cancel, .status, .statusReply:
            logger.debug("discarded a command workers do not send", metadata: ["worker": "\(worker)"])
        }
        drainQueue(now: now)
    }

    private mutating func ready(_ frames: [[UInt8]], routingId: [UInt8], now: ContinuousClock.Instant) {
        let worker = String(decoding: routingId, as: UTF8.self)
        let registration: Registration
        switch Result(catching: { try WorkerMessage.decode(frames, limits: configuration.limits) }) {
        case .success(.ready(let decoded)):
            registration = decoded
        case .success:
            return
        case .failure(let error):
            disconnect(worker, .protocolError, "READY could not be decoded: \(error)")
            return
        }
        guard Array(registration.workerId.utf8) == routingId else {
            disconnect(worker, .protocolError, "worker_id '\(registration.workerId)' differs from the routing id")
            return
        }
        guard !registration.models.isEmpty else {
            disconnect(worker, .protocolError, "READY lists no models")
            return
        }
        let metadata: Logger.Metadata = [
            "worker": "\(worker)", "host": "\(registration.host)", "version": "\(registration.version)",
            "models": "\(registration.models.map(\.name).joined(separator: ","))",
        ]
        switch registry.register(registration, now: now) {
        case .registered:
            logger.info("worker registered", metadata: metadata)
        case .replaced:
            logger.info("worker registered again; its requests in flight are lost", metadata: metadata)
            loseRequests(of: worker, now: now)
        case .refused(let existing):
            logger.error("refused a second worker with a live worker's id", metadata: metadata)
            let message = "worker id '\(worker)' is held by a live worker (instance \(existing.registration.instance))"
            disconnect(worker, .duplicateWorkerId, message)
            return
        }
        drainQueue(now: now)
    }

    /// A worker's DISCONNECT: one with requests in flight drains (they finish and are relayed;
    /// nothing new is sent to it; it is forgotten when the last one ends); an idle one is forgotten.
    private mutating func leave(_ worker: String, now: ContinuousClock.Instant) {
        if let inFlight = registry[worker]?.inFlight, inFlight > 0 {
            logger.info("worker draining", metadata: ["worker": "\(worker)", "in_flight": "\(inFlight)"])
            registry.startDraining(worker)
            return
        }
        logger.info("worker left", metadata: ["worker": "\(worker)"])
        registry.remove(worker)
        loseRequests(of: worker, now: now)
    }

    private mutating func heartbeat(_ frames: [[UInt8]], from worker: String, now: ContinuousClock.Instant) {
        switch Result(catching: { try WorkerMessage.decode(frames, limits: configuration.limits) }) {
        case .success(.heartbeat(let load?)):
            if let previous = registry[worker]?.load, load.showsWork(since: previous) {
                registry.noteProgress(of: worker, now: now)
            }
            registry.record(load, from: worker)
        case .success: break
        case .failure(let error):
            logger.warning("discarded a malformed HEARTBEAT", metadata: ["worker": "\(worker)", "error": "\(error)"])
        }
    }

    /// The hot path: a token delta, relayed with only its request id swapped.
    private mutating func relayPartial(_ envelope: Envelope, _ frames: [[UInt8]], from worker: String, now: ContinuousClock.Instant) {
        guard var record = route(envelope, from: worker, now: now) else { return }
        let total = Self.completionTokens(ofPartial: frames, limits: configuration.limits) ?? record.completionTokens
        metrics.recordTokens(max(0, total - record.completionTokens), gap: record.lastToken.map { $0.duration(to: now) })
        if record.firstToken == nil {
            record.firstToken = now
            record.pending = nil
            metrics.recordFirstToken(after: record.arrival.duration(to: now))
        }
        record.lastToken = now
        record.completionTokens = max(total, record.completionTokens)
        requests[record.key] = record
        forward(envelope, of: record, ends: false)
    }

    private mutating func relayFinal(_ envelope: Envelope, _ frames: [[UInt8]], from worker: String, now: ContinuousClock.Instant) {
        guard let record = route(envelope, from: worker, now: now) else { return }
        guard case .final(let final)? = try? WorkerMessage.decode(frames, limits: configuration.limits) else {
            fail(record.key, .internal, "worker '\(worker)' sent a FINAL that could not be decoded", now: now)
            return
        }
        metrics.recordPromptTokens(final.usage.promptTokens + final.usage.imageTokens)
        metrics.recordImageTimings(final.timings)
        metrics.recordTokens(max(0, final.usage.completionTokens - record.completionTokens), gap: nil)
        forward(envelope, of: record, ends: true)
        end(record.key, RequestOutcome(final.finishReason), sentError: false, now: now)
    }

    private mutating func relayError(_ envelope: Envelope, _ frames: [[UInt8]], from worker: String, now: ContinuousClock.Instant) {
        guard let record = route(envelope, from: worker, now: now) else { return }
        guard case .error(let error)? = try? WorkerMessage.decode(frames, limits: configuration.limits) else {
            fail(record.key, .internal, "worker '\(worker)' sent an ERROR that could not be decoded", now: now)
            return
        }
        // Dispatched as the worker began to drain, and refused by it: not the client's doing, so
        // placed elsewhere like a request lost before its first token.
        if error.code == .cancelled, !record.hasStreamed, registry[worker]?.isDraining == true {
            releaseSlot(on: worker)
            retryOrFail(record, lostOn: worker, now: now)
            return
        }
        forward(envelope, of: record, ends: true)
        end(record.key, RequestOutcome(error.code), sentError: true, now: now)
    }

    /// The request a worker's reply belongs to; `nil` for a late reply to a request that ended
    /// (timed out, cancelled, lost) or that is not this worker's. A reply to one of its requests is
    /// the worker's progress.
    private mutating func route(_ envelope: Envelope, from worker: String, now: ContinuousClock.Instant) -> RelayRequest? {
        guard let key = envelope.requestId, let record = requests[key], record.worker == worker else { return nil }
        registry.noteProgress(of: worker, now: now)
        return record
    }

    private mutating func forward(_ envelope: Envelope, of record: RelayRequest, ends: Bool) {
        do {
            let frames = try envelope.forwarded(to: .client, requestId: record.clientRequestId)
            effects.append(.toClient(record.client, requestId: record.clientRequestId, frames, ends: ends))
        } catch {
            // PARTIAL, FINAL and ERROR are all client commands; this cannot happen.
            logger.error("could not forward a reply", metadata: ["error": "\(error)"])
        }
    }

    mutating func disconnect(_ worker: String, _ reason: DisconnectReason, _ message: String) {
        effects.append(.toWorker(worker, WorkerMessage.disconnect(Disconnect(reason: reason, message: message)).encode()))
    }

    /// A PARTIAL's completion_tokens, the field after the request id, read without decoding the rest.
    static func completionTokens(ofPartial frames: [[UInt8]], limits: WireLimits) -> Int? {
        var reader = WireReader(frames[2], limits: limits)
        guard (try? reader.readName("request_id")) != nil else { return nil }
        return try? reader.readInt("completion_tokens")
    }
}
