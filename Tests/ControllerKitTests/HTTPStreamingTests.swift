import ControllerKit
import Foundation
import LoomProtocol
import TestSupport
import Testing

/// Streamed answers over HTTP: OpenAI's SSE chunk format, exactly.
@Suite("HTTP streaming")
struct HTTPStreamingTests {
    /// Without `stream_options`, no chunk carries usage, as OpenAI's spec says.
    @Test func chatStreamsChunksThenDone() async throws {
        try await HTTPCluster.with { cluster in
            let worker = try await cluster.worker("w")
            defer { worker.kill() }
            let response = try await cluster.post("/v1/chat/completions", json: chatBody(tokens: 3, stream: true))
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "text/event-stream")
            let events = serverSentEvents(response.text)
            #expect(events.last == "[DONE]")
            let chunks = events.dropLast().map(jsonObject)
            #expect(chunks.count == 4, "three deltas and the finish chunk: \(events)")
            #expect(chunks.allSatisfy { $0["object"] as? String == "chat.completion.chunk" && $0["model"] as? String == testModel.name })
            #expect(Set(chunks.compactMap { $0["id"] as? String }).count == 1, "one id for the whole stream")
            let choices = chunks.map { ($0["choices"] as? [[String: Any]])?.first ?? [:] }
            let deltas = choices.map { $0["delta"] as? [String: Any] ?? [:] }
            #expect(deltas.first?["role"] as? String == "assistant")
            #expect(deltas.compactMap { $0["content"] as? String }.joined() == "t0 t1 t2 ")
            #expect(choices.dropLast().allSatisfy { $0["finish_reason"] is NSNull }, "null until the end")
            #expect(choices.last?["finish_reason"] as? String == "length")
            #expect(chunks.allSatisfy { $0["usage"] == nil })
        }
    }

    @Test func includeUsageSendsUsageInALastChunkOfItsOwn() async throws {
        try await HTTPCluster.with { cluster in
            let worker = try await cluster.worker("w")
            defer { worker.kill() }
            let body = chatBody(tokens: 2, stream: true, extra: #","stream_options":{"include_usage":true}"#)
            let chunks = serverSentEvents(try await cluster.post("/v1/chat/completions", json: body).text).dropLast().map(jsonObject)
            let last = try #require(chunks.last)
            #expect((last["choices"] as? [Any])?.isEmpty == true)
            let usage = try #require(last["usage"] as? [String: Any])
            #expect(usage.compactMapValues { $0 as? Int } == ["prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7])
            #expect((usage["prompt_tokens_details"] as? [String: Int]) == ["cached_tokens": 3])
            #expect(chunks.dropLast().allSatisfy { $0["usage"] == nil })

            let without = chatBody(tokens: 2, stream: true, extra: #","stream_options":{"include_usage":false}"#)
            let plain = serverSentEvents(try await cluster.post("/v1/chat/completions", json: without).text)
            #expect(plain.last == "[DONE]")
            #expect(plain.dropLast().map(jsonObject).allSatisfy { $0["usage"] == nil })
        }
    }

    @Test func completionsStreamTextChunks() async throws {
        try await HTTPCluster.with { cluster in
            let worker = try await cluster.worker("w")
            defer { worker.kill() }
            let body = #"{"model":"test-model","prompt":"Once","max_tokens":2,"stream":true}"#
            let events = serverSentEvents(try await cluster.post("/v1/completions", json: body).text)
            #expect(events.last == "[DONE]")
            let choices = events.dropLast().map(jsonObject).map { ($0["choices"] as? [[String: Any]])?.first ?? [:] }
            #expect(choices.compactMap { $0["text"] as? String }.joined() == "t0 t1 ")
            #expect(choices.last?["finish_reason"] as? String == "length")
        }
    }

    @Test func aWorkerLostMidStreamEndsTheStreamWithAnErrorEvent() async throws {
        try await HTTPCluster.with { cluster in
            let worker = try await cluster.worker("w") { $0.tokenInterval = .milliseconds(20) }
            let connection = try HTTPConnection(port: cluster.port)
            connection.send("POST", "/v1/chat/completions", body: Array(chatBody(tokens: 1000, stream: true).utf8))
            let started = try await offThePool { connection.read(until: { String(decoding: $0, as: UTF8.self).contains("t1 ") }) }
            #expect(String(decoding: started, as: UTF8.self).contains("t1 "))
            worker.kill()
            let rest = try await offThePool { connection.read() }
            let events = serverSentEvents(try HTTPConnection.parse(started + rest).text)
            #expect(events.last == "[DONE]")
            let error = events.dropLast().last.map(jsonObject)?["error"] as? [String: Any]
            #expect(error?["code"] as? String == "worker_lost")
        }
    }

    @Test func aClientLeavingMidStreamCancelsTheRequestAtTheWorker() async throws {
        try await HTTPCluster.with { cluster in
            let worker = try await cluster.worker("w") { $0.tokenInterval = .milliseconds(10) }
            let connection = try HTTPConnection(port: cluster.port)
            connection.send("POST", "/v1/chat/completions", body: Array(chatBody(tokens: 100_000, stream: true).utf8))
            let started = try await offThePool { connection.read(until: { String(decoding: $0, as: UTF8.self).contains("t2 ") }) }
            #expect(String(decoding: started, as: UTF8.self).contains("data: "))
            connection.close()
            let cancel = await worker.events.next(where: { if case .cancel = $0 { true } else { false } })
            #expect(cancel != nil, "the worker was told to stop")
            #expect(await eventually { cluster.services.relay.snapshot.status.counters.inFlight == 0 })
        }
    }
}
