import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// loom-controller's services run as one `ServiceGroup`: the socket relay, the HTTP front door and
/// the reloading of CURVE allow-lists; it starts them, stops them on a signal or `stop()`.
public final class ControllerServices: Sendable {
    public let relay: SocketRelay
    /// The port the front door listens on (the one picked, when the configuration said 0).
    public let httpPort: Int
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    private init(relay: SocketRelay, httpPort: Int, group: ServiceGroup, running: Task<Void, any Error>) {
        self.relay = relay
        self.httpPort = httpPort
        self.group = group
        self.running = running
    }

    /// Binds the ROUTERs, starts the socket thread and the HTTP server, and returns once the server
    /// listens. `signals` (e.g. SIGINT, SIGTERM) stop it as `stop()` does; `reloadSignals` (e.g.
    /// SIGHUP) re-read the CURVE allow-lists. Metrics go to `metrics` (by default a registry of
    /// its own), which `GET /metrics` serves.
    public static func start(
        _ configuration: ControllerConfiguration, metrics: MetricsBackend = MetricsBackend(), logger: Logger,
        signals: [UnixSignal] = [], reloadSignals: [UnixSignal] = []
    ) async throws -> ControllerServices {
        let relay = try SocketRelay.start(configuration, metrics: metrics, logger: logger)
        let (ports, listening) = AsyncStream<Int>.makeStream()
        let frontDoor = FrontDoor(relay: relay)
        let application = Application(
            router: frontDoor.router(),
            // Evaluated for each new connection.
            server: .http1(configuration: .init(additionalChannelHandlers: frontDoor.connectionHandlers(logger: logger))),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: "loom-controller"),
            onServerRunning: { channel in listening.yield(channel.localAddress?.port ?? configuration.httpPort) },
            logger: logger)
        // Shut down in reverse order: the controller first, so open HTTP streams end at once
        // (ERROR cancelled) and the server's graceful shutdown does not wait on them.
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [application, SocketRelayService(relay: relay),
                       KeyReloadService(relay: relay, signals: reloadSignals, logger: logger)],
            gracefulShutdownSignals: signals,
            logger: logger))
        let running = Task {
            // A server that fails to start ends the wait below too.
            defer { listening.finish() }
            try await group.run()
        }
        guard let port = await ports.first(where: { _ in true }) else {
            relay.shutdown()
            try await running.value
            throw ServerError.stoppedBeforeListening
        }
        return ControllerServices(relay: relay, httpPort: port, group: group, running: running)
    }

    /// Stops cleanly: workers are told DISCONNECT shutdown, requests end, sockets close, the HTTP
    /// server stops.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }

    /// Waits until the server stops (on one of its signals, or `stop()`).
    public func wait() async throws {
        try await running.value
    }

    /// Starts, runs until SIGINT or SIGTERM, and stops cleanly; logs to standard error at
    /// `logLevel` (a swift-log level name).
    public static func runUntilSignalled(
        _ configuration: ControllerConfiguration, metrics: MetricsBackend, logLevel: String
    ) async throws {
        var logger = Logger(label: "loom-controller") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let services = try await start(configuration, metrics: metrics, logger: logger, signals: [.sigint, .sigterm], reloadSignals: [.sighup])
        logger.info("loom-controller running", metadata: [
            "workers": "\(services.relay.workerEndpoint)", "clients": "\(services.relay.clientEndpoint)",
            "http": "\(configuration.httpHost):\(services.httpPort)", "policy": "\(configuration.policy.rawValue)",
            "curve": "\(configuration.security.map { "on, public key \($0.keys.publicKey)" } ?? "off")",
        ])
        if let counts = services.relay.keyCounts { logger.info("CURVE allow-lists", metadata: ["keys": "\(counts)"]) }
        try await services.wait()
        logger.info("loom-controller stopped")
    }

    enum ServerError: Error, CustomStringConvertible {
        case stoppedBeforeListening

        var description: String { "the HTTP server stopped before it listened" }
    }
}

/// The socket relay as a service of the group: it runs until graceful shutdown, then stops the
/// relay.
private struct SocketRelayService: Service {
    let relay: SocketRelay

    func run() async throws {
        // Returns on graceful shutdown, or throws on cancellation: either way, stop.
        try? await gracefulShutdown()
        relay.shutdown()
    }
}

/// Re-reads the CURVE allow-lists on each of its signals until graceful shutdown. With no signals
/// it just waits for shutdown.
private struct KeyReloadService: Service {
    let relay: SocketRelay
    let signals: [UnixSignal]
    let logger: Logger

    func run() async throws {
        guard !signals.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        for await signal in await UnixSignalsSequence(trapping: signals).cancelOnGracefulShutdown() {
            do {
                guard let counts = try relay.reloadKeys() else {
                    logger.notice("\(signal): CURVE is off; no allow-lists to reload")
                    continue
                }
                logger.notice("\(signal): CURVE allow-lists reloaded", metadata: ["keys": "\(counts)"])
            } catch {
                logger.error("\(signal): the allow-lists were not reloaded; the old ones stay", metadata: ["error": "\(error)"])
            }
        }
    }
}
