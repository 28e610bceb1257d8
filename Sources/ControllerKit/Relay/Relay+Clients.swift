import LoomProtocol

extension Relay {
    /// A message from a client: the clients' ROUTER, or the HTTP front door (`ClientAddress.http`).
    public mutating func receive(fromClient client: ClientAddress, _ frames: [[UInt8]], now: ContinuousClock.Instant) {
        let message: ClientMessage
        do {
            message = try ClientMessage.decode(frames, limits: configuration.limits)
        } catch {
            let requestId = (try? Envelope(frames, from: .client, limits: configuration.limits))?.requestId ?? ""
            reject(client, requestId: requestId, .badRequest, "the message could not be decoded: \(error)", now: now)
            return
        }
        switch message {
        case .request(let request):
            admit(request, from: client, now: now)
        case .cancel(let requestId):
            cancel(ClientRequestKey(client: client, requestId: requestId), now: now)
        case .status:
            let reply = ClientMessage.statusReply(status(now: now)).encode()
            effects.append(.toClient(client, requestId: "", reply, ends: false))
        case .partial, .final, .error, .statusReply:
            logger.debug("discarded a reply-only command sent by a client")
        }
    }

    /// The client went away (a send to it failed, or the HTTP stream closed): its requests, or just
    /// `requestId` of them, are cancelled at their workers and forgotten.
    public mutating func clientGone(_ client: ClientAddress, requestId: String? = nil, now: ContinuousClock.Instant) {
        let keys = requestId.map { [byClient[ClientRequestKey(client: client, requestId: $0)]].compactMap { $0 } }
            ?? byClient.filter { $0.key.client == client }.map(\.value)
        for key in keys {
            if let worker = requests[key]?.worker {
                send(WorkerMessage.cancel(requestId: key).encode(), toWorker: worker, now: now)
            }
            end(key, .cancelled, sentError: false, now: now)
        }
        drainQueue(now: now)
    }

    /// Takes a REQUEST: checks it, gives it the controller's id and deadline, and places it.
    private mutating func admit(_ request: GenerationRequest, from client: ClientAddress, now: ContinuousClock.Instant) {
        var request = request
        let key = nextKey()
        // An empty id asks the controller to assign one: the worker-side id serves.
        let clientRequestId = request.id.isEmpty ? key : request.id
        let clientKey = ClientRequestKey(client: client, requestId: clientRequestId)
        guard byClient[clientKey] == nil else {
            reject(client, requestId: clientRequestId, .badRequest, "request id '\(clientRequestId)' is already in flight", now: now)
            return
        }
        guard !request.model.isEmpty else {
            reject(client, requestId: clientRequestId, .badRequest, "the request names no model", now: now)
            return
        }
        if let limit = configuration.maxTokensLimit, request.sampling.maxTokens > limit {
            let message = "max_tokens \(request.sampling.maxTokens) is over this controller's limit of \(limit)"
            reject(client, requestId: clientRequestId, .badRequest, message, now: now)
            return
        }
        var deadline = now + configuration.requestTimeout
        if request.deadlineUnixMs > 0 {
            deadline = min(deadline, clock.instant(atUnixMs: request.deadlineUnixMs))
        }
        let hints = configuration.policy == .cacheAware
            ? RoutingHints(request, maxKeyBytes: configuration.cacheAware.maxPromptKeyBytes) : RoutingHints()
        request.id = key
        request.deadlineUnixMs = clock.unixMs(at: deadline)
        requests[key] = RelayRequest(
            key: key, client: client, clientRequestId: clientRequestId, model: request.model, hints: hints,
            arrival: now, deadline: deadline, pending: request)
        byClient[clientKey] = key
        place(key, now: now, isRetry: false)
    }

    /// A client's CANCEL: a queued request ends here with FINAL cancelled; a dispatched one is
    /// cancelled at its worker, whose FINAL cancelled is relayed.
    private mutating func cancel(_ clientKey: ClientRequestKey, now: ContinuousClock.Instant) {
        guard let key = byClient[clientKey], let record = requests[key] else { return }
        if let worker = record.worker {
            requests[key]?.cancelRequested = true
            send(WorkerMessage.cancel(requestId: key).encode(), toWorker: worker, now: now)
            return
        }
        endCancelled(record, now: now)
    }

    /// Ends a request held here (queued, or its worker lost) with FINAL cancelled to its client.
    mutating func endCancelled(_ record: RelayRequest, now: ContinuousClock.Instant) {
        let final = Final(
            requestId: record.clientRequestId, finishReason: .cancelled,
            usage: Usage(promptTokens: 0, imageTokens: 0, completionTokens: 0),
            timings: Timings(queueMs: 0, timeToFirstTokenMs: 0, decodeTokensPerSecond: 0, totalMs: 0))
        effects.append(.toClient(record.client, requestId: record.clientRequestId, ClientMessage.final(final).encode(), ends: true))
        end(record.key, .cancelled, sentError: false, now: now)
    }
}
