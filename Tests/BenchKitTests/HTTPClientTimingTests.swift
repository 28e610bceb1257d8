import BenchKit
import ClientKit
import ClusterSupport
import Testing

/// loom-bench's HTTP client against scripted servers: tokens timed as they arrive, and every bad
/// answer a failure of its kind within the request timeout.
@Suite("loom-bench's HTTP client")
struct HTTPClientTimingTests {
    static let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"

    static func event(_ json: String) -> String { "data: \(json)\n\n" }
    static func token(_ text: String) -> String {
        event(#"{"choices":[{"index":0,"delta":{"content":"\#(text)"},"finish_reason":null}]}"#)
    }
    static let end = event(#"{"choices":[{"index":0,"delta":{},"finish_reason":"length"}]}"#)
        + event(#"{"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}"#) + "data: [DONE]\n\n"

    /// One request to `server` (or `port`) with `timeout`.
    static func generate(port: Int, timeout: Duration = .seconds(5)) async -> RequestRecord {
        await ControllerHTTPClient.with(connectTimeout: .seconds(5)) { http in
            await HTTPGenerationClient(client: http, address: .http(host: "127.0.0.1", port: port), timeout: timeout)
                .generate(BenchRequest(prompt: "hello", maxTokens: 2), model: "m")
        }
    }

    @Test func tokensAreTimedWhenTheyArrive() async throws {
        // Head at once, then 250 ms between writes: first token, second token, the end.
        let server = try ScriptedServer(
            writes: [Self.head, Self.token("a"), Self.token("b"), Self.end].map(ScriptedServer.bytes), gap: .milliseconds(250))
        let record = await Self.generate(port: server.port)
        guard case .success(let timing) = record else {
            Issue.record("\(record)")
            return
        }
        #expect(timing.inputTokens == 9 && timing.outputTokens == 2)
        #expect(timing.answer == "ab" && timing.cachedTokens == nil)
        #expect(timing.timeToFirstToken >= .milliseconds(200) && timing.timeToFirstToken < .milliseconds(450), "\(timing)")
        #expect(timing.interTokenLatencies.count == 1)
        #expect(timing.interTokenLatencies.allSatisfy { $0 >= .milliseconds(200) && $0 < .milliseconds(450) }, "\(timing)")
        #expect(timing.latency >= .milliseconds(700), "\(timing)")
        #expect(server.request.hasPrefix("POST /v1/chat/completions HTTP/1.1\r\n") && server.request.contains(#""stream":true"#))
    }

    @Test func badAnswersAreFailuresOfTheirKind() async throws {
        let refusing = try RefusingPort()
        let overloaded = try ScriptedServer(writes: [ScriptedServer.bytes(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 57\r\n\r\n"
                + #"{"error":{"code":"overloaded","message":"queue is full"}}"#)])
        let notChunks = try ScriptedServer(writes: [Self.head, Self.event("{not json")].map(ScriptedServer.bytes))
        let cut = try ScriptedServer(writes: [Self.head, Self.token("a")].map(ScriptedServer.bytes))
        let errorEvent = try ScriptedServer(
            writes: [Self.head, Self.event(#"{"error":{"code":"worker_lost","message":"the worker went away"}}"#)].map(ScriptedServer.bytes))

        #expect(await Self.generate(port: refusing.port) == .failure(kind: "connection_refused", message: "connection refused"))
        #expect(await Self.generate(port: overloaded.port) == .failure(kind: "overloaded", message: "queue is full"))
        #expect(await Self.generate(port: notChunks.port) == .failure(kind: "bad_response", message: "an event is not a chunk: {not json"))
        #expect(await Self.generate(port: cut.port) == .failure(kind: "incomplete_stream", message: "the stream ended without [DONE]"))
        #expect(await Self.generate(port: errorEvent.port) == .failure(kind: "worker_lost", message: "the worker went away"))
    }

    /// A connection the server closes before answering (llama.cpp's server closes one after a
    /// streamed answer without saying so): the request is sent again, up to three times more, and
    /// only then is it a failure.
    @Test func aConnectionClosedBeforeAnyAnswerIsTriedOnceMore() async throws {
        let answer = [Self.head, Self.token("a"), Self.token("b"), Self.end].map(ScriptedServer.bytes)
        let once = try ScriptedServer(connections: [[], answer])
        guard case .success(let timing) = await Self.generate(port: once.port) else {
            Issue.record("the second try should have been answered")
            return
        }
        #expect(timing.answer == "ab" && once.request.contains(#""stream":true"#))
        let always = try ScriptedServer(connections: [[], [], [], []])
        let record = await Self.generate(port: always.port)
        guard case .failure(let kind, _) = record else {
            Issue.record("four closes must fail: \(record)")
            return
        }
        #expect(kind == "connection_closed")
    }

    /// A server that stops talking, before the head or between tokens: a `timeout` when the
    /// request timeout is up, not a hang.
    @Test func aSilentServerIsATimeout() async throws {
        let beforeHead = try ScriptedServer(writes: [], hold: .seconds(5))
        let midStream = try ScriptedServer(writes: [Self.head, Self.token("a")].map(ScriptedServer.bytes), hold: .seconds(5))
        for server in [beforeHead, midStream] {
            let start = ContinuousClock.now
            let record = await Self.generate(port: server.port, timeout: .milliseconds(400))
            #expect(record == .failure(kind: "timeout", message: "no answer within 0.4 seconds"))
            #expect(start.duration(to: .now) < .seconds(3))
        }
    }
}
