import Foundation
import Synchronization
import Logging
import LoomProtocol
import ZeroMQ

/// The worker's comms: one DEALER connected to the controller, on its own socket thread. Registers
/// (READY), heartbeats with the compute loop's load, hands requests and cancels to the compute loop,
/// and — when the controller has been silent for `liveness` intervals — reconnects with backoff
/// (1 s doubling to 32 s) and registers again (the Paranoid Pirate pattern).
final class WorkerComms: SocketThreadHandler {
    let sockets: [Socket]
    private var socket: Socket { sockets[0] }
    private let endpoint: String
    private let registration: Registration
    private let compute: ComputeLoop
    private let heartbeat: Duration
    private let liveness: Int
    private let limits: WireLimits
    private let logger: Logger
    private var lastHeard = ContinuousClock.now
    /// When the controller last sent anything; `nil` before it ever did.
    private var lastMessage: ContinuousClock.Instant?
    private let healthFile: HealthFile?
    private var backoff: Duration = .seconds(1)
    private var reconnectAt: ContinuousClock.Instant?

    init(context: Context, options: WorkerOptions, registration: Registration, compute: ComputeLoop, logger: Logger) throws {
        let socket = try Socket(context, type: .dealer)
        try socket.set(.routingID(Array(options.workerID.utf8)))
        try socket.set(.linger(.milliseconds(500)))  // lets a last DISCONNECT leave on shutdown
        try socket.set(.sendHighWaterMark(100_000))
        try socket.set(.maxMessageSize(bytes: WireLimits.default.maxTotalBodyBytes + (2 << 20)))
        try socket.set(.reconnectInterval(.milliseconds(200)))
        try socket.set(.reconnectIntervalMax(.seconds(5)))
        if let serverKey = options.curveServerKey {
            try socket.makeCurveClient(serverKey: serverKey, keys: try options.curveKeys ?? CurveKeyPair())
        }
        try socket.connect(options.controller)
        sockets = [socket]
        endpoint = options.controller
        self.registration = registration
        self.compute = compute
        heartbeat = options.heartbeat
        liveness = options.liveness
        limits = .default
        healthFile = options.healthFile.map(HealthFile.init)
        self.logger = logger
        register()
    }

    private func register() {
        _ = try? socket.send(WorkerMessage.ready(registration).encode(), blocking: false)
        logger.info("registering with \(endpoint) as \(registration.workerId)")
    }

    func handle(_ frames: [[UInt8]], from _: Int) throws {
        lastHeard = .now
        lastMessage = lastHeard
        backoff = .seconds(1)
        let message: WorkerMessage
        do {
            message = try WorkerMessage.decode(frames, limits: limits)
        } catch {
            logger.warning("ignored a malformed message from the controller: \(error)")
            return
        }
        switch message {
        case .request(let request):
            compute.submit(.request(request, received: Date()))
        case .cancel(let id):
            compute.submit(.cancel(id))
        case .disconnect(let d):
            switch d.reason {
            case .notRegistered:
                if !compute.draining.load(ordering: .acquiring) { register() }
            case .duplicateWorkerId, .unauthorized, .protocolError:
                logger.error("the controller refused this worker (\(d.reason)): \(d.message); retrying after \(backoff)")
                startReconnect()
            case .shutdown:
                logger.info("the controller is shutting down; will register again when it is back")
            }
        case .heartbeat, .ready, .partial, .final, .error:
            break
        }
    }

    func tick() throws {
        let now = ContinuousClock.now
        reportHealth(now: now)
        if let at = reconnectAt {
            guard now >= at else { return }
            reconnectAt = nil
            try? socket.connect(endpoint)
            lastHeard = now
            register()
            return
        }
        if now - lastHeard > heartbeat * liveness {
            logger.warning("no word from the controller for \(liveness) heartbeats; reconnecting in \(backoff)")
            startReconnect()
            return
        }
        // Heartbeats go on while draining: the controller keeps relaying the requests that finish.
        let l = compute.load.withLock { $0 }
        let load = WorkerLoad(waiting: l.waiting, running: l.running, kvBlocksUsed: l.kvBlocksUsed, kvBlocksTotal: l.kvBlocksTotal,
                              tokensPerSecond: l.tokensPerSecond, recentImages: l.recentImages, prefixCache: l.prefixCache,
                              vision: VisionCounters(imagesEncoded: l.imagesEncoded, encodeSeconds: l.imageEncodeSeconds,
                                                     queueDepth: l.imageQueueDepth))
        _ = try? socket.send(WorkerMessage.heartbeat(load).encode(), blocking: false)
    }

    private func reportHealth(now: ContinuousClock.Instant) {
        guard let healthFile else { return }
        if compute.draining.load(ordering: .acquiring) {
            healthFile.write(.draining)
        } else if let lastMessage, now - lastMessage <= heartbeat * liveness {
            healthFile.write(.connected)
        } else {
            healthFile.write(.disconnected)
        }
    }

    private func startReconnect() {
        try? socket.disconnect(endpoint)
        reconnectAt = .now + backoff
        backoff = min(backoff * 2, .seconds(32))
    }

    func dropped(_ message: OutgoingMessage, error: ZMQError) {
        logger.warning("a message for the controller was dropped: \(error)")
    }
}
