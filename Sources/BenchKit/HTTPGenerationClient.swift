import AsyncHTTPClient
import ClientKit
import Foundation
import NIOCore

/// Streams chat completions from the HTTP front door through the process's one `HTTPClient`: each
/// piece of the SSE body is timed as the client hands it over, before the next is read.
public struct HTTPGenerationClient: GenerationClient {
    private let client: HTTPClient
    private let url: String
    private let timeout: Duration

    public init(client: HTTPClient, address: ControllerAddress, timeout: Duration) {
        self.client = client
        url = address.url("/v1/chat/completions")
        self.timeout = timeout
    }

    public func generate(_ request: BenchRequest, model: String) async -> RequestRecord {
        var post = HTTPClientRequest(url: url)
        post.method = .POST
        post.headers.add(name: "Content-Type", value: "application/json")
        do {
            post.body = .bytes(try JSONEncoder().encode(ChatRequestBody(request, model: model)))
        } catch {
            return .failure(kind: "client_error", message: "cannot encode the request: \(error)")
        }
        let timeout = self.timeout
        let record = await withTimeout(timeout) { [post] in await stream(post, timeline: TokenTimeline(start: .now)) }
        return record ?? .failure(kind: "timeout", message: "no end within \(timeout)")
    }

    /// The request out, the SSE events in, each token chunk timed. Returning at `[DONE]` drops the
    /// rest of the body: the client then closes that connection unless the body had already ended.
    private func stream(_ request: HTTPClientRequest, timeline: TokenTimeline) async -> RequestRecord {
        var timeline = timeline
        do {
            // `withTimeout` bounds the whole exchange; `execute`'s deadline would end at the head.
            let response = try await client.execute(request, deadline: .distantFuture)
            guard response.status == .ok else {
                let body = try? await response.body.collect(upTo: 1 << 20)
                return Self.failure(status: Int(response.status.code), body: body.map { Array($0.readableBytesView) } ?? [])
            }
            var events = ServerSentEvents()
            var usage: StreamChunk.Usage?
            var finished = false
            for try await bytes in response.body {
                let arrival = ContinuousClock.now
                for event in events.feed(Array(bytes.readableBytesView)) {
                    if event == "[DONE]" {
                        guard finished else { return .failure(kind: "incomplete_stream", message: "[DONE] before a finish reason") }
                        return .success(timeline.timing(end: arrival, inputTokens: usage?.promptTokens ?? 0, outputTokens: usage?.completionTokens))
                    }
                    guard let chunk = try? JSONDecoder().decode(StreamChunk.self, from: Data(event.utf8)) else {
                        return .failure(kind: "bad_response", message: "an event is not a chunk: \(event.prefix(200))")
                    }
                    if let error = chunk.error {
                        return .failure(kind: error.code ?? "stream_error", message: error.message ?? "an error event")
                    }
                    if chunk.hasContent { timeline.tokensArrived(1, at: arrival) }
                    if chunk.finished { finished = true }
                    if let chunkUsage = chunk.usage { usage = chunkUsage }
                }
            }
            return .failure(kind: "incomplete_stream", message: "the stream ended without [DONE]")
        } catch {
            let failure = HTTPFailure(error)
            return .failure(kind: failure.kind, message: failure.description)
        }
    }

    /// A refusal before any token: the error code of its OpenAI-style body, else the status.
    private static func failure(status: Int, body: [UInt8]) -> RequestRecord {
        let error = (try? JSONDecoder().decode(StreamChunk.self, from: Data(body)))?.error
        return .failure(kind: error?.code ?? "http_\(status)", message: error?.message ?? "HTTP \(status)")
    }
}
