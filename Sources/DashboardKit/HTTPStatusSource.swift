import AsyncHTTPClient
import ClientKit
import Foundation
import LoomProtocol

/// `GET /v1/workers` for the rows and `GET /metrics` for the header, both at once through the
/// process's one `HTTPClient`, answered within the timeout. The API gives totals, not rates, so
/// rates come from successive polls; it gives no uptime.
public final class HTTPStatusSource: StatusSource {
    private let client: HTTPClient
    private let address: ControllerAddress
    private let timeout: Duration
    private var counters = CounterHistory()
    private let start = ContinuousClock.now
    public let description: String

    public init(client: HTTPClient, address: ControllerAddress, timeout: Duration) {
        self.client = client
        self.address = address
        self.timeout = timeout
        description = address.description
    }

    /// Blocking: the fetcher's thread waits for both answers.
    public func fetch() throws -> DashboardStatus {
        let (client, address, timeout) = (client, address, timeout)
        let (workerList, metrics) = try blockingWait { () async throws -> ([UInt8], [UInt8]) in
            async let workerList = Self.get("/v1/workers", from: address, client: client, timeout: timeout)
            async let metrics = Self.get("/metrics", from: address, client: client, timeout: timeout)
            return try await (workerList, metrics)
        }
        let workers = try JSONDecoder().decode(WorkerListDocument.self, from: Data(workerList)).workers
        let samples = PrometheusSample.parse(String(decoding: metrics, as: UTF8.self))
        let ended = { (outcomes: Set<String>) in
            samples.total("loom_requests_total") { outcomes.contains($0["outcome"] ?? "") }
        }
        let requests = samples.total("loom_requests_total")
        let completed = ended(["stop", "length"]), cancelled = ended(["cancelled"]), timedOut = ended(["timeout"])
        // Every other outcome is an ERROR sent to the client, as STATUS counts them.
        let errors = requests - completed - cancelled
        let tokens = samples.total("loom_generation_tokens_total")
        counters.add(
            CounterHistory.Totals(requests: requests, tokens: tokens, errors: errors),
            at: start.duration(to: .now).seconds)
        let totals = Counters(
            completed: Int(completed), cancelled: Int(cancelled), timedOut: Int(timedOut), failed: Int(errors - timedOut),
            tokensGenerated: Int(tokens), requestsPerSecond: counters.requestsPerSecond,
            tokensPerSecond: counters.tokensPerSecond, inFlight: Int(samples.total("loom_requests_in_flight")),
            queueLength: Int(samples.total("loom_queue_length")), errorsLastMinute: counters.errorsLastMinute)
        return DashboardStatus(uptimeMs: nil, counters: totals, workers: workers)
    }

    private static func get(_ path: String, from address: ControllerAddress, client: HTTPClient, timeout: Duration) async throws -> [UInt8] {
        let response = try await client.fetch(address.url(path), timeout: timeout)
        guard response.status == 200 else { throw HTTPStatusError(path: path, status: response.status) }
        return response.body
    }
}

/// The controller answered a dashboard GET with something other than 200 (a missing API key, say).
public struct HTTPStatusError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let status: Int

    public var description: String { "GET \(path) answered HTTP \(status)" }
}

extension Duration {
    /// In seconds, as a `Double`.
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) * 1e-18
    }
}
