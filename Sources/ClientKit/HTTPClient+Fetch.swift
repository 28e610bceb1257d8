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
        let request: Request
        do {
            request = try Request(url: url)
        } catch {
            throw HTTPFailure(error)
        }
        return try await fetch(request, timeout: timeout, limit: limit)
    }

    /// `request`, answered whole (head and body) within `timeout` with at most `limit` bytes of body.
    public func fetch(_ request: Request, timeout: Duration, limit: Int = 16 << 20) async throws(HTTPFailure) -> FetchedResponse {
        let accumulator = ResponseAccumulator(request: request, maxBodySize: limit)
        do {
            let response = try await execute(request: request, delegate: accumulator, deadline: .now() + TimeAmount(timeout)).response()
            return FetchedResponse(status: Int(response.status.code), body: response.body.map { Array($0.readableBytesView) } ?? [])
        } catch {
            throw HTTPFailure(error, within: timeout)
        }
    }
}

extension HTTPClient.Task where Response: Sendable {
    /// What the request came to; cancelled with the task that awaits it.
    public func response() async throws -> Response {
        try await withTaskCancellationHandler { try await get() } onCancel: { cancel() }
    }
}
