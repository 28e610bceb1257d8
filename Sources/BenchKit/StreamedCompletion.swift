import Foundation

/// One streamed chat completion read as its bytes arrive: SSE events in, token arrivals noted, the
/// outcome as soon as it is known ([DONE], an error event, a chunk that is not one). No I/O.
struct StreamedCompletion: Sendable {
    private var timeline: TokenTimeline
    private var events = ServerSentEvents()
    private var usage: StreamChunk.Usage?
    private var finished = false
    /// Set once the stream has said how it ends; bytes after that are not read.
    private(set) var outcome: RequestRecord?

    init(start: ContinuousClock.Instant) {
        timeline = TokenTimeline(start: start)
    }

    /// Bytes of the body that arrived at `arrival`.
    mutating func read(_ bytes: [UInt8], at arrival: ContinuousClock.Instant) {
        guard outcome == nil else { return }
        for event in events.feed(bytes) {
            outcome = take(event, at: arrival)
            if outcome != nil { return }
        }
    }

    /// The body ended: the outcome, or `incomplete_stream` when it never said.
    var ended: RequestRecord {
        outcome ?? .failure(kind: "incomplete_stream", message: "the stream ended without [DONE]")
    }

    /// One event; the outcome when it decides one.
    private mutating func take(_ event: String, at arrival: ContinuousClock.Instant) -> RequestRecord? {
        if event == "[DONE]" {
            guard finished else { return .failure(kind: "incomplete_stream", message: "[DONE] before a finish reason") }
            return .success(timeline.timing(
                end: arrival, inputTokens: usage?.promptTokens ?? 0, outputTokens: usage?.completionTokens,
                cachedTokens: usage?.cachedTokens))
        }
        guard let chunk = try? JSONDecoder().decode(StreamChunk.self, from: Data(event.utf8)) else {
            return .failure(kind: "bad_response", message: "an event is not a chunk: \(event.prefix(200))")
        }
        if let error = chunk.error {
            return .failure(kind: error.code ?? "stream_error", message: error.message ?? "an error event")
        }
        let content = chunk.content
        if !content.isEmpty { timeline.tokensArrived(1, text: content, at: arrival) }
        if chunk.finished { finished = true }
        if let chunkUsage = chunk.usage { usage = chunkUsage }
        return nil
    }

    /// A refusal before any token: the error code of its OpenAI-style body, else the status.
    static func refusal(status: Int, body: [UInt8]) -> RequestRecord {
        let error = (try? JSONDecoder().decode(StreamChunk.self, from: Data(body)))?.error
        return .failure(kind: error?.code ?? "http_\(status)", message: error?.message ?? "HTTP \(status)")
    }
}
