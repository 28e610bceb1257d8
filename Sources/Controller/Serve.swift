import ArgumentParser
import Foundation
import ControllerKit
import LoomProtocol
import Metrics
import Prometheus
import ZeroMQ

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Runs the controller (the default command): SIGINT/SIGTERM stop it, SIGHUP re-reads the key lists.")

    @Option(help: "ZeroMQ endpoint the workers connect to (default: tcp://*:5560 with CURVE, else tcp://127.0.0.1:5560).")
    var workers: String?
    @Option(help: "ZeroMQ endpoint the LOOMC1 clients connect to (default: tcp://*:5559 with CURVE, else tcp://127.0.0.1:5559).")
    var clients: String?
    @Flag(help: "Listen on --workers and --clients beyond this machine without CURVE keys: anyone who can reach them can register a worker or send requests.")
    var insecure = false
    @Option(help: "Address of the OpenAI-compatible HTTP API, host:port.") var http = "0.0.0.0:8080"
    @Option(help: "Heartbeat interval in milliseconds (workers must use the same).") var heartbeatMs = 1000
    @Option(help: "Heartbeat intervals of silence after which a worker is dropped.") var liveness = 3
    @Option(help: "Routing policy: least-load, round-robin, power-of-two, cache-aware.") var policy = RoutingPolicy.cacheAware
    @Option(help: "Requests held waiting for a worker before new ones get 'overloaded' (HTTP 429).") var maxQueue = 256
    @Option(help: "Seconds within which every request ends (answer or 'timeout').") var requestTimeout = 300.0
    @Option(help: "Seconds a worker holding requests may go without progress on any (no token, no step in its heartbeat) before it is dropped and its requests retried elsewhere; 0: never.") var stallSeconds = 30.0
    @Option(help: "Bearer key accepted by the HTTP API (repeatable); none: no authentication.") var apiKey: [String] = []
    @Option(help: "Largest HTTP request body, in MiB.") var maxBodyMib = 64
    @Option(help: "Seconds an HTTP client has to send each request whole, head and body, from opening its connection or from its previous response's end; then the connection is closed. 0: no limit.") var httpReadTimeout = 30.0
    @Option(help: "HTTP connections one client address may hold open; more are closed as they open. 0: no cap.") var maxConnectionsPerAddress = 64
    @Option(help: "Largest image, in MiB (one file, decoded from its data URL); at most 20, the wire's bound.") var maxImageMib = 20
    @Option(help: "Most images in one request; at most 16, the wire's bound.") var maxImages = WireLimits.default.maxBodyFrames
    @Option(help: "max_tokens of a request that gives none.") var defaultMaxTokens = 1024
    @Option(help: "Largest max_tokens a request may ask; more is refused (400). Default: the model's context bounds it.") var maxTokens: Int?
    @Option(help: "CURVE: this controller's secret key file (loom-controller keygen); turns CURVE on for both ZeroMQ sockets.") var curveSecretKey: String?
    @Option(help: "CURVE: worker public keys let in, one Z85 key per line ('#' comments); re-read on SIGHUP. None: any worker knowing the controller's public key.") var workerKeys: String?
    @Option(help: "CURVE: client public keys let in on --clients, as --worker-keys. None: any client knowing the controller's public key.") var clientKeys: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"

    func validate() throws {
        guard heartbeatMs > 0, liveness > 0 else { throw ValidationError("--heartbeat-ms and --liveness must be positive") }
        guard maxQueue >= 0 else { throw ValidationError("--max-queue must not be negative") }
        guard requestTimeout > 0 else { throw ValidationError("--request-timeout must be positive") }
        guard stallSeconds == 0 || stallSeconds * 1000 >= Double(2 * heartbeatMs) else {
            throw ValidationError("--stall-seconds must be 0 (off) or at least two heartbeat intervals: progress shows in heartbeats")
        }
        guard maxBodyMib > 0 else { throw ValidationError("--max-body-mib must be positive") }
        guard httpReadTimeout >= 0, maxConnectionsPerAddress >= 0 else {
            throw ValidationError("--http-read-timeout and --max-connections-per-address must not be negative")
        }
        guard (1...(WireLimits.default.maxBodyBytes >> 20)).contains(maxImageMib) else {
            throw ValidationError("--max-image-mib must be between 1 and \(WireLimits.default.maxBodyBytes >> 20)")
        }
        guard (0...WireLimits.default.maxBodyFrames).contains(maxImages) else {
            throw ValidationError("--max-images must be between 0 and \(WireLimits.default.maxBodyFrames)")
        }
        guard defaultMaxTokens > 0, maxTokens.map({ $0 >= defaultMaxTokens }) ?? true else {
            throw ValidationError("--default-max-tokens must be positive and at most --max-tokens")
        }
        guard curveSecretKey != nil || (workerKeys == nil && clientKeys == nil) else {
            throw ValidationError("--worker-keys and --client-keys need --curve-secret-key")
        }
        _ = try httpAddress()
        if curveSecretKey == nil && !insecure {
            for (option, endpoint) in [("--workers", workerEndpoint), ("--clients", clientEndpoint)] where !Exposure.isLocal(endpoint) {
                throw ValidationError(Exposure.refusal(option: option, endpoint: endpoint))
            }
        }
    }

    /// Every interface with CURVE; loopback only without, unless given.
    private var workerEndpoint: String { workers ?? (curveSecretKey != nil ? "tcp://*:5560" : "tcp://127.0.0.1:5560") }
    private var clientEndpoint: String { clients ?? (curveSecretKey != nil ? "tcp://*:5559" : "tcp://127.0.0.1:5559") }

    func run() async throws {
        var configuration = ControllerConfiguration()
        configuration.workerEndpoint = workerEndpoint
        configuration.clientEndpoint = clientEndpoint
        if curveSecretKey == nil, insecure, !Exposure.isLocal(workerEndpoint) || !Exposure.isLocal(clientEndpoint) {
            let warning = "WARNING: --insecure: listening on \(workerEndpoint) and \(clientEndpoint) without CURVE keys. "
                + "Any process that reaches them can register as a worker and receive prompts, or send requests. "
                + "Use CURVE keys (loom-controller keygen) outside a trusted network.\n"
            FileHandle.standardError.write(Data(warning.utf8))
        }
        (configuration.httpHost, configuration.httpPort) = try httpAddress()
        configuration.liveness = Liveness(heartbeatInterval: .milliseconds(heartbeatMs), liveness: liveness)
        configuration.registrationGrace = configuration.liveness.expiry
        configuration.policy = policy
        configuration.maxQueue = maxQueue
        configuration.requestTimeout = .milliseconds(Int(requestTimeout * 1000))
        configuration.stallTimeout = stallSeconds > 0 ? .milliseconds(Int(stallSeconds * 1000)) : nil
        configuration.apiKeys = apiKey
        configuration.maxRequestBodyBytes = maxBodyMib << 20
        configuration.httpReadTimeout = httpReadTimeout > 0 ? .milliseconds(Int(httpReadTimeout * 1000)) : nil
        configuration.maxConnectionsPerAddress = maxConnectionsPerAddress > 0 ? maxConnectionsPerAddress : nil
        // The same bound for HTTP data URLs and ZeroMQ clients' image frames (and so ZMQ_MAXMSGSIZE).
        configuration.maxImageBytes = maxImageMib << 20
        configuration.limits.maxBodyBytes = maxImageMib << 20
        configuration.limits.maxBodyFrames = maxImages
        configuration.defaultMaxTokens = defaultMaxTokens
        configuration.maxTokensLimit = maxTokens
        if let curveSecretKey {
            let keys = try CurveKeyPair(secretKey: CurveKeyFile.readKey(at: curveSecretKey))
            configuration.security = ControllerSecurity(keys: keys, workerKeysPath: workerKeys, clientKeysPath: clientKeys)
        }
        try await ControllerServices.runUntilSignalled(configuration, metrics: bootstrapMetrics(), logLevel: logLevel)
    }

    /// Makes the process's swift-metrics backend the Prometheus registry `/metrics` serves, so what
    /// any library here records through swift-metrics is shown there too. To send the metrics to
    /// another backend as well, bootstrap `MultiplexMetricsHandler(factories: [prometheus, yours])`.
    private func bootstrapMetrics() -> MetricsBackend {
        let registry = PrometheusCollectorRegistry()
        let prometheus = MetricsBackend.prometheusFactory(writingInto: registry)
        MetricsSystem.bootstrap(prometheus)
        return MetricsBackend(factory: MetricsSystem.factory, registry: registry)
    }

    private func httpAddress() throws -> (String, Int) {
        guard let colon = http.lastIndex(of: ":"), let port = Int(http[http.index(after: colon)...]),
            (0...65_535).contains(port)
        else { throw ValidationError("--http takes host:port, e.g. 0.0.0.0:8080") }
        return (String(http[..<colon]), port)
    }
}
