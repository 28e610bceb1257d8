import AsyncHTTPClient
import NIOCore

/// The one `HTTPClient` of a loom-bench or loom-top process, set up for measuring a controller:
/// plain HTTP/1.1, no redirects, no decompression, a failed connect reported at once rather than
/// retried with back-off (a retried connect would hide a failure and lengthen the request's
/// latency), and no queue in the client (connections per host are never the limit).
public enum ControllerHTTPClient {
    /// Connections kept open to one host at most: more than any run has requests in flight.
    static let connectionLimit = 65_536

    public static func configuration(connectTimeout: Duration) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: TimeAmount(connectTimeout)), decompression: .disabled)
        configuration.httpVersion = .http1Only
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connectionLimit
        return configuration
    }

    /// A client for code that is not async (loom-top); whoever makes it calls `syncShutdown()`.
    public static func make(connectTimeout: Duration) -> HTTPClient {
        HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration(connectTimeout: connectTimeout))
    }

    /// Runs `body` with a client that is shut down when `body` returns or throws.
    public static func with<Value, Failure: Error>(
        connectTimeout: Duration, _ body: (HTTPClient) async throws(Failure) -> Value
    ) async throws(Failure) -> Value {
        let client = make(connectTimeout: connectTimeout)
        let result: Result<Value, Failure>
        do throws(Failure) {
            result = .success(try await body(client))
        } catch {
            result = .failure(error)
        }
        // Only a second shutdown throws, and there is none.
        try? await client.shutdown()
        return try result.get()
    }
}
