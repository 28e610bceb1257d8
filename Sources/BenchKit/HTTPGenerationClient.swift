import AsyncHTTPClient
import ClientKit
import Foundation
import NIOCore

/// Streams chat completions from the HTTP front door through the process's one `HTTPClient`. The
/// body is read by a `CompletionStreamReader` on the connection's event loop, so tokens are timed
/// when NIO reads them; the request timeout bounds the whole exchange, body included.
public struct HTTPGenerationClient: GenerationClient {
    private let client: HTTPClient
    private let url: String
    private let timeout: Duration
    /// Times a request is sent again after its connection closed before any answer.
    static let resends = 3

    public init(client: HTTPClient, address: ControllerAddress, timeout: Duration) {
        self.client = client
        url = address.url("/v1/chat/completions")
        self.timeout = timeout
    }

    public func generate(_ request: BenchRequest, model: String) async -> RequestRecord {
        let post: HTTPClient.Request
        do {
            let body = try JSONEncoder().encode(ChatRequestBody(request, model: model))
            post = try HTTPClient.Request(url: url, method: .POST, headers: ["Content-Type": "application/json"], body: .data(body))
        } catch {
            return .failure(kind: "client_error", message: "cannot make the request: \(error)")
        }
        let start = ContinuousClock.now
        var attempt = 0
        while true {
            let reader = CompletionStreamReader(start: start)
            do {
                return try await client.execute(request: post, delegate: reader, deadline: .now() + TimeAmount(timeout)).response()
            } catch {
                // An answer the stream already gave stands, whatever happened to the connection after it.
                if let outcome = reader.outcome { return outcome }
                let failure = HTTPFailure(error, within: timeout)
                // Some servers (llama.cpp's) close a connection after a streamed answer without saying
                // so; the next request sent on it finds it closed before any answer. That request was
                // never taken: send it again, timed from its first sending. The pool may hold a few
                // such connections, one per request that streamed on one.
                if failure.kind == "connection_closed", !reader.sawResponse, attempt < Self.resends {
                    attempt += 1
                    continue
                }
                return .failure(kind: failure.kind, message: failure.description)
            }
        }
    }
}
