import ClientKit
import Foundation

/// Streams chat completions from the HTTP front door, one connection per request, each read on a
/// thread of its own (blocking reads never touch the cooperative pool) and timed as the bytes arrive.
public struct HTTPGenerationClient: GenerationClient {
    private let host: String
    private let port: Int
    private let timeout: Duration

    public init(address: ControllerAddress, timeout: Duration) {
        host = address.host
        port = address.port
        self.timeout = timeout
    }

    public func generate(_ request: BenchRequest, model: String) async -> RequestRecord {
        let body: [UInt8]
        do {
            body = Array(try JSONEncoder().encode(ChatRequestBody(request, model: model)))
        } catch {
            return .failure(kind: "client_error", message: "cannot encode the request: \(error)")
        }
        return await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: exchange(body)) }
            thread.name = "loom-bench-request"
            thread.start()
        }
    }

    /// One blocking exchange: the request out, the SSE events in, each token chunk timed.
    private func exchange(_ body: [UInt8]) -> RequestRecord {
        let deadline = ContinuousClock.now + timeout
        var timeline = TokenTimeline(start: .now)
        do throws(HTTPClientError) {
            let exchange = try HTTPExchange(
                host: host, port: port, request: .postJSON("/v1/chat/completions", body), timeout: timeout)
            guard exchange.head.status == 200 else { return Self.failure(status: exchange.head.status, body: try exchange.readBody()) }
            var events = ServerSentEvents()
            var usage: StreamChunk.Usage?
            var finished = false
            while let bytes = try exchange.nextBodyBytes() {
                let arrival = ContinuousClock.now
                for event in events.feed(bytes) {
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
                if ContinuousClock.now > deadline { return .failure(kind: "timeout", message: "no end within \(timeout)") }
            }
            return .failure(kind: "incomplete_stream", message: "the stream ended without [DONE]")
        } catch {
            return .failure(kind: error.kind, message: error.description)
        }
    }

    /// A refusal before any token: the error code of its OpenAI-style body, else the status.
    private static func failure(status: Int, body: [UInt8]) -> RequestRecord {
        let error = (try? JSONDecoder().decode(StreamChunk.self, from: Data(body)))?.error
        return .failure(kind: error?.code ?? "http_\(status)", message: error?.message ?? "HTTP \(status)")
    }
}
