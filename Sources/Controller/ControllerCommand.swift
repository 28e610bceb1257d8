import ArgumentParser
import ControllerKit

@main
struct ControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loom-controller",
        abstract: "Routes generation requests from HTTP and ZeroMQ clients to registered loom-worker processes.")

    @Option(help: "ZeroMQ endpoint the workers connect to.") var workers = "tcp://*:5560"
    @Option(help: "ZeroMQ endpoint the LOOMC1 clients connect to.") var clients = "tcp://*:5559"
    @Option(help: "Address of the OpenAI-compatible HTTP API, host:port.") var http = "0.0.0.0:8080"
    @Option(help: "Heartbeat interval in milliseconds (workers must use the same).") var heartbeatMs = 1000
    @Option(help: "Heartbeat intervals of silence after which a worker is dropped.") var liveness = 3
    @Option(help: "Routing policy: least-load, round-robin, power-of-two, cache-aware.") var policy = RoutingPolicy.leastLoad
    @Option(help: "Requests held waiting for a worker before new ones get 'overloaded' (HTTP 429).") var maxQueue = 256
    @Option(help: "Seconds within which every request ends (answer or 'timeout').") var requestTimeout = 300.0
    @Option(help: "Bearer key accepted by the HTTP API (repeatable); none: no authentication.") var apiKey: [String] = []
    @Option(help: "Largest HTTP request body, in MiB.") var maxBodyMib = 64
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"

    func validate() throws {
        guard heartbeatMs > 0, liveness > 0 else { throw ValidationError("--heartbeat-ms and --liveness must be positive") }
        guard maxQueue >= 0 else { throw ValidationError("--max-queue must not be negative") }
        guard requestTimeout > 0 else { throw ValidationError("--request-timeout must be positive") }
        guard maxBodyMib > 0 else { throw ValidationError("--max-body-mib must be positive") }
        _ = try httpAddress()
    }

    func run() async throws {
        var configuration = ControllerConfiguration()
        configuration.workerEndpoint = workers
        configuration.clientEndpoint = clients
        (configuration.httpHost, configuration.httpPort) = try httpAddress()
        configuration.liveness = Liveness(heartbeatInterval: .milliseconds(heartbeatMs), liveness: liveness)
        configuration.registrationGrace = configuration.liveness.expiry
        configuration.policy = policy
        configuration.maxQueue = maxQueue
        configuration.requestTimeout = .milliseconds(Int(requestTimeout * 1000))
        configuration.apiKeys = apiKey
        configuration.maxRequestBodyBytes = maxBodyMib << 20
        try await ControllerServer.runUntilSignalled(configuration, logLevel: logLevel)
    }

    private func httpAddress() throws -> (String, Int) {
        guard let colon = http.lastIndex(of: ":"), let port = Int(http[http.index(after: colon)...]),
            (0...65_535).contains(port)
        else { throw ValidationError("--http takes host:port, e.g. 0.0.0.0:8080") }
        return (String(http[..<colon]), port)
    }
}

extension RoutingPolicy: ExpressibleByArgument {}
