import CoreMetrics
import Dispatch
import Glibc
import Logging
import LoomProtocol
import ZeroMQ

/// The handler `SocketRelay`'s socket thread runs: owns the workers' and clients' ROUTERs and the
/// in-process PAIR the HTTP front door's messages arrive on, feeds everything to the `Relay`, sends
/// what it asks, reports failed sends and closed client connections back to it, and publishes the
/// relay's state at each tick.
final class RelaySocketHandler: SocketThreadHandler {
    enum Index {
        static let workers = 0, clients = 1, control = 2
        /// Where other threads queue messages (`Outbox.send(_:on:)`): it is connected to `control`.
        static let outbox = 3
        /// The PAIR the clients' ROUTER's monitor reports its connections opening and closing on.
        static let clientEvents = 4
        /// The ZAP handler's REP socket, present when CURVE is on.
        static let zap = 5
    }

    static let controlEndpoint = "inproc://loom-controller-control"
    static let clientEventsEndpoint = "inproc://loom-controller-client-events"

    let sockets: [Socket]
    private var relay: Relay
    private let streams: HTTPStreams
    private let board: SnapshotBoard
    private var gauges: LoadGauges
    private var clientConnections = ClientConnections()
    private let shutDown: DispatchSemaphore
    private let access: AccessLists?
    private let logger: Logger

    init(
        context: Context, configuration: ControllerConfiguration, metrics: any MetricsFactory, streams: HTTPStreams,
        board: SnapshotBoard, shutDown: DispatchSemaphore, access: AccessLists?, logger: Logger
    ) throws {
        let limits = configuration.limits
        // The ZAP handler is bound before the ROUTERs, so no connection is ever let in unasked.
        let zap = try configuration.security.map { _ throws in
            let socket = try Socket(context, type: .rep)
            try socket.bind(ZAPAuthenticator.endpoint)
            return socket
        }
        let workers = try Socket(context, type: .router)
        if let security = configuration.security {
            try workers.makeCurveServer(secretKey: security.keys.secretKey, zapDomain: ControllerSecurity.workerDomain)
        }
        try workers.set(.routerMandatory(true))
        try workers.set(.maxMessageSize(bytes: max(limits.maxHeaderBytes, limits.maxBodyBytes)))
        // Long enough for the DISCONNECTs of a shutdown to leave.
        try workers.set(.linger(.milliseconds(200)))
        try workers.bind(configuration.workerEndpoint)
        let clients = try Socket(context, type: .router)
        if let security = configuration.security {
            try clients.makeCurveServer(secretKey: security.keys.secretKey, zapDomain: ControllerSecurity.clientDomain)
        }
        try clients.set(.routerMandatory(true))
        try clients.set(.maxMessageSize(bytes: max(limits.maxHeaderBytes, limits.maxBodyBytes)))
        // A client reading slowly gets this many replies queued before it counts as gone.
        try clients.set(.sendHighWaterMark(100_000))
        try clients.set(.linger(.milliseconds(100)))
        // A client's departure is noticed when its TCP connection closes, not only at the next send
        // to it. Connected before the bind, so no connection's events are missed; unbounded, so none
        // is dropped (the monitor never waits for its reader).
        try clients.monitor(Self.clientEventsEndpoint, events: [.accepted, .disconnected])
        let clientEvents = try Socket(context, type: .pair)
        try clientEvents.set(.receiveHighWaterMark(0))
        try clientEvents.connect(Self.clientEventsEndpoint)
        try clients.bind(configuration.clientEndpoint)
        // Unbounded here: the outbox's capacity is the bound.
        let control = try Socket(context, type: .pair)
        try control.set(.receiveHighWaterMark(0))
        try control.bind(Self.controlEndpoint)
        let outbox = try Socket(context, type: .pair)
        try outbox.set(.sendHighWaterMark(0))
        try outbox.connect(Self.controlEndpoint)
        sockets = [workers, clients, control, outbox, clientEvents] + (zap.map { [$0] } ?? [])
        self.access = access
        relay = Relay(configuration: configuration, metrics: metrics, logger: logger)
        gauges = LoadGauges(factory: metrics)
        self.streams = streams
        self.board = board
        self.shutDown = shutDown
        self.logger = logger
        publish(now: .now)
    }

    func handle(_ frames: [[UInt8]], from socket: Int) throws {
        try handle(frames, from: socket, sourceDescriptor: nil)
    }

    func handle(_ frames: [[UInt8]], from socket: Int, sourceDescriptor: Int32?) throws {
        let now = ContinuousClock.now
        switch socket {
        case Index.workers:
            guard frames.count > 1 else { return }
            relay.receive(fromWorker: frames[0], Array(frames.dropFirst()), now: now)
        case Index.clients:
            guard frames.count > 1 else { return }
            // Every connection event already emitted comes first: see `ClientConnections`.
            readClientEvents(now: now)
            let client = ClientAddress(routingId: frames[0])
            let connected = sourceDescriptor.map { clientConnections.received(from: frames[0], on: $0) } ?? true
            relay.receive(fromClient: client, Array(frames.dropFirst()), now: now)
            // Sent just before its connection closed: the client is gone already.
            if !connected { relay.clientGone(client, now: now) }
        case Index.clientEvents:
            if let event = SocketEvent(frames: frames) { noteClientConnection(event, now: now) }
            readClientEvents(now: now)
        case Index.control:
            switch ControlMessage(frames: frames) {
            case .fromHTTP(let message):
                relay.receive(fromClient: .http, message, now: now)
            case .shutdown:
                relay.shutdown(now: now)
                perform(now: now)
                publish(now: now)
                shutDown.signal()
                return
            }
        case Index.zap:
            answerZAP(frames)
            return
        default:
            return
        }
        perform(now: now)
    }

    /// Takes every waiting event of the clients' ROUTER's monitor.
    private func readClientEvents(now: ContinuousClock.Instant) {
        while let frames = try? sockets[Index.clientEvents].receive(blocking: false) {
            if let event = SocketEvent(frames: frames) { noteClientConnection(event, now: now) }
        }
    }

    /// A client connection opened or closed; the requests of a client whose connection closed are
    /// cancelled, as when a send to it fails.
    private func noteClientConnection(_ event: SocketEvent, now: ContinuousClock.Instant) {
        guard let routingId = clientConnections.apply(event) else { return }
        relay.clientGone(ClientAddress(routingId: routingId), now: now)
    }

    /// A new CURVE connection to one of the ROUTERs: let in or refused by the allow-lists; a refused
    /// peer never gets as far as sending a message.
    private func answerZAP(_ request: [[UInt8]]) {
        guard let access else { return }
        let decision = access.decide(request)
        let peer = decision.domain == ControllerSecurity.workerDomain ? "worker" : "client"
        let metadata: Logger.Metadata = ["address": "\(decision.address)", "key": "\(decision.clientKey ?? "none")"]
        if decision.accepted {
            logger.debug("accepted a \(peer) connection", metadata: metadata)
        } else {
            logger.warning("refused a \(peer) connection: its CURVE key is not on the \(peer) allow-list", metadata: metadata)
        }
        do {
            try sockets[Index.zap].send(decision.reply, blocking: false)
        } catch {
            logger.error("could not answer a ZAP request", metadata: ["error": "\(error)"])
        }
    }

    func tick() throws {
        let now = ContinuousClock.now
        relay.tick(now: now)
        perform(now: now)
        publish(now: now)
    }

    /// The relay's state for the HTTP front door, and the gauges read off it (first, so a
    /// snapshot without a worker is never read while its gauges are still shown).
    private func publish(now: ContinuousClock.Instant) {
        let snapshot = relay.snapshot(now: now)
        gauges.update(snapshot.status)
        board.publish(snapshot)
    }

    func dropped(_ message: OutgoingMessage, error: ZMQError) {
        // Only HTTP messages come through the outbox, and with unbounded PAIRs they are not
        // dropped; should one be, its reader must not wait for a reply that cannot come.
        guard case .fromHTTP(let frames) = ControlMessage(frames: message.frames),
            let requestId = (try? Envelope(frames, from: .client))?.requestId
        else { return }
        let reply = RequestError(requestId: requestId, code: .internal, message: "the controller could not take the request: \(error)")
        _ = streams.deliver(ClientMessage.error(reply).encode(), to: requestId, ends: true)
    }

    /// Sends what the relay asked, then tells it of failed sends, until it asks nothing more.
    private func perform(now: ContinuousClock.Instant) {
        while !relay.effects.isEmpty {
            var unreachableWorkers: [String] = []
            var goneClients: [(ClientAddress, String?)] = []
            for effect in relay.effects {
                switch effect {
                case .toWorker(let worker, let frames):
                    if !send(frames, to: Array(worker.utf8), on: Index.workers) { unreachableWorkers.append(worker) }
                case .toClient(let client, let requestId, let frames, let ends) where client.isHTTP:
                    if !streams.deliver(frames, to: requestId, ends: ends) { goneClients.append((client, requestId)) }
                case .toClient(let client, _, let frames, _):
                    if !send(frames, to: client.routingId, on: Index.clients) { goneClients.append((client, nil)) }
                }
            }
            relay.effects.removeAll(keepingCapacity: true)
            for worker in unreachableWorkers { relay.workerUnreachable(worker, now: now) }
            for (client, requestId) in goneClients { relay.clientGone(client, requestId: requestId, now: now) }
        }
    }

    /// Sends without blocking; `false` when the peer is not connected or cannot take more.
    private func send(_ frames: [[UInt8]], to routingId: [UInt8], on socket: Int) -> Bool {
        var message = [routingId]
        message.append(contentsOf: frames)
        do {
            return try sockets[socket].send(message, blocking: false)
        } catch {
            if error.code != EHOSTUNREACH { logger.warning("send failed", metadata: ["error": "\(error)"]) }
            return false
        }
    }
}
