import ControllerKit
import Foundation
import LoomProtocol
import TestSupport
import Testing

/// `logprobs` over HTTP, from the synthetic worker's made-up values (`syntheticLogprob`): the chat
/// and completions shapes of OpenAI, in one document and in chunks.
@Suite("HTTP logprobs")
struct HTTPLogprobsTests {
    static func content(_ choice: [String: Any]?) -> [[String: Any]] {
        ((choice?["logprobs"] as? [String: Any])?["content"] as? [[String: Any]]) ?? []
    }

    /// One entry's fields, as token `token` of the synthetic worker with `top` alternatives.
    static func expectEntry(_ entry: [String: Any], token: Int, top: Int) {
        let text = "t\(token) "
        #expect(entry["token"] as? String == text)
        #expect((entry["logprob"] as? Double).map { abs($0 - (-0.5 - Double(token) / 8)) < 1e-6 } == true)
        #expect(entry["bytes"] as? [Int] == text.utf8.map(Int.init))
        let tops = entry["top_logprobs"] as? [[String: Any]] ?? []
        #expect(tops.count == top)
        for (i, t) in tops.enumerated() {
            #expect(t["token"] as? String == "alt\(i)")
            #expect(t["logprob"] as? Double == -Double(i + 1))
            #expect(t["bytes"] as? [Int] == "alt\(i)".utf8.map(Int.init))
        }
    }

    @Test func chatDocumentHasOneEntryPerToken() async throws {
        try await HTTPCluster.with { cluster in
            let worker = try await cluster.worker("w")
            defer { worker.kill() }
            let response = try await cluster.post("/v1/chat/completions", json: chatBody(tokens: 3, extra: #","logprobs":true,"top_logprobs":2"#))
            #expect(response.status == 200)
            let choice = (response.json?["choices"] as? [[String: Any]])?.first
            let entries = Self.content(choice)
            #expect(entries.count == 3)
            for (i, entry) in entries.enumerated() { Self.expectEntry(entry, token: i, top: 2) }

            let plain = try await cluster.post("/v1/chat/completions", json: chatBody(tokens: 2))
            #expect((plain.json?["choices"] as? [[String: Any]])?.first?["logprobs"] is NSNull)
            let noTop = try await cluster.post("/v1/chat/completions", json: chatBody(tokens: 2, extra: #","logprobs":true"#))
            let noTopEntries = Self.content((noTop.json?["choices"] as? [[String: Any]])?.first)
            #expect(noTopEntries.count == 2)
            for (i, entry) in noTopEntries.enumerated() { Self.expectEntry(entry, token: i, top: 0) }
        }
    }

    @Test func chatChunksCarryTheirTokensEntries() async throws {
        try await HTTPCluster.with { cluster in
            let worker = try await cluster.worker("w")
            defer { worker.kill() }
            let body = chatBody(tokens: 3, stream: true, extra: #","logprobs":true,"top_logprobs":20"#)
            let chunks = serverSentEvents(try await cluster.post("/v1/chat/completions", json: body).text).dropLast().map(jsonObject)
            let choices = chunks.map { ($0["choices"] as? [[String: Any]])?.first ?? [:] }
            let entries = choices.flatMap(Self.content)
            #expect(entries.count == 3)
            for (i, entry) in entries.enumerated() { Self.expectEntry(entry, token: i, top: 20) }
            #expect(choices.last?["logprobs"] is NSNull, "the finish chunk has no tokens")
        }
    }

    @Test func completionsHaveTheLegacyShape() async throws {
        try await HTTPCluster.with { cluster in
            let worker = try await cluster.worker("w")
            defer { worker.kill() }
            let whole = try await cluster.post("/v1/completions", json: #"{"model":"test-model","prompt":"Once","max_tokens":3,"logprobs":2}"#)
            let logprobs = try #require((whole.json?["choices"] as? [[String: Any]])?.first?["logprobs"] as? [String: Any])
            #expect(logprobs["tokens"] as? [String] == ["t0 ", "t1 ", "t2 "])
            #expect(logprobs["token_logprobs"] as? [Double] == [-0.5, -0.625, -0.75])
            #expect(logprobs["text_offset"] as? [Int] == [0, 3, 6])
            let tops = logprobs["top_logprobs"] as? [[String: Double]] ?? []
            #expect(tops.count == 3)
            #expect(tops.first == ["alt0": -1, "alt1": -2, "t0 ": -0.5], "the sampled token beside the top 2")

            let body = #"{"model":"test-model","prompt":"Once","max_tokens":3,"logprobs":0,"stream":true}"#
            let chunks = serverSentEvents(try await cluster.post("/v1/completions", json: body).text).dropLast().map(jsonObject)
            let streamed = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first?["logprobs"] as? [String: Any] }
            #expect(streamed.flatMap { $0["tokens"] as? [String] ?? [] } == ["t0 ", "t1 ", "t2 "])
            #expect(streamed.flatMap { $0["text_offset"] as? [Int] ?? [] } == [0, 3, 6])
            #expect(streamed.flatMap { $0["top_logprobs"] as? [[String: Double]] ?? [] }.map(\.count) == [1, 1, 1])
        }
    }
}
