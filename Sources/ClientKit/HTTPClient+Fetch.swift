import AsyncHTTPClient
import NIOCore

/// A whole answer: its status and body.
public struct FetchedResponse: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

extension HTTPClient {
    /// `GET url`, answered whole within `timeout` with at most `limit` bytes of body.
    public func fetch(_ url: String, timeout: Duration, limit: Int = 16 << 20) async throws(HTTPFailure) -> FetchedResponse {
        try await fetch(HTTPClientRequest(url: url), timeout: timeout, limit: limit)
    }

    /// `request`, answered whole within `timeout` with at most `limit` bytes of body.
    public func fetch(_ request: HTTPClientRequest, timeout: Duration, limit: Int = 16 << 20) async throws(HTTPFailure) -> FetchedResponse {
        let outcome = await withTimeout(timeout) { () async -> Result<FetchedResponse, HTTPFailure> in
            do {
                // `withTimeout` bounds the whole exchange; `execute`'s deadline would end at the head.
                let response = try await self.execute(request, deadline: .distantFuture)
                let body = try await response.body.collect(upTo: limit)
                return .success(FetchedResponse(status: Int(response.status.code), body: Array(body.readableBytesView)))
            } catch {
                return .failure(HTTPFailure(error))
            }
        }
        guard let outcome else { throw .timedOut(timeout) }
        return try outcome.get()
    }
}
