import ControllerKit
import Foundation
import LoomProtocol
import TestSupport
import Testing

/// Bad input and refusals over HTTP: each a specific status and an OpenAI-style error body, and
/// the server keeps serving.
@Suite("HTTP errors")
struct HTTPErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let path: String
        let body: String
        let status: Int
        let code: String
        var testDescription: String { name }
    }

    static let png = "data:image/png;base64," + Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0, count: 200)).base64EncodedString()

    static func chat(_ content: String) -> String {
        #"{"model":"test-model","messages":[{"role":"user","content":\#(content)}]}"#
    }

    static func image(_ url: String) -> String {
        chat(#"[{"type":"image_url","image_url":{"url":"\#(url)"}}]"#)
    }

    static let cases: [Case] = [
        Case(name: "invalid JSON", path: "/v1/chat/completions", body: "{not json", status: 400, code: "bad_request"),
        Case(name: "missing messages", path: "/v1/chat/completions", body: #"{"model":"test-model"}"#, status: 400, code: "bad_request"),
        Case(name: "empty messages", path: "/v1/chat/completions", body: #"{"model":"test-model","messages":[]}"#, status: 400, code: "bad_request"),
        Case(name: "unknown model", path: "/v1/chat/completions", body: chatBody(model: "no-such-model"), status: 404, code: "no_model"),
        Case(name: "unknown role", path: "/v1/chat/completions", body: #"{"model":"test-model","messages":[{"role":"robot","content":"x"}]}"#, status: 400, code: "bad_request"),
        Case(name: "n > 8", path: "/v1/chat/completions", body: chatBody(extra: #","n":9"#), status: 400, code: "bad_request"),
        Case(name: "best_of", path: "/v1/completions", body: #"{"model":"test-model","prompt":"x","best_of":3}"#, status: 400, code: "bad_request"),
        Case(name: "temperature out of range", path: "/v1/chat/completions", body: chatBody(extra: #","temperature":-1"#), status: 400, code: "bad_request"),
        Case(name: "corrupt base64", path: "/v1/chat/completions", body: image("data:image/jpeg;base64,@@@not-base64@@@"), status: 400, code: "bad_image"),
        Case(name: "not an image", path: "/v1/chat/completions", body: image("data:image/jpeg;base64," + Data("GIF89a...".utf8).base64EncodedString()), status: 400, code: "bad_image"),
        Case(name: "remote URL", path: "/v1/chat/completions", body: image("https://example.com/cat.jpg"), status: 400, code: "bad_request"),
        Case(name: "oversized image", path: "/v1/chat/completions", body: image(png), status: 400, code: "bad_image"),
        Case(name: "oversized body", path: "/v1/chat/completions", body: chat("\"" + String(repeating: "x", count: 20_000) + "\""), status: 413, code: "bad_request"),
        Case(name: "completion without prompt", path: "/v1/completions", body: #"{"model":"test-model"}"#, status: 400, code: "bad_request"),
    ]

    @Test(arguments: cases)
    func badInputIsRefusedAndTheServerKeepsServing(_ refusal: Case) async throws {
        try await HTTPCluster.with({
            $0.registrationGrace = .zero
            $0.maxImageBytes = 100
            $0.maxRequestBodyBytes = 10_000
        }) { cluster in
            _ = try await cluster.worker("w")
            let response = try await cluster.post(refusal.path, json: refusal.body)
            #expect(response.status == refusal.status)
            let error = try #require(response.json?["error"] as? [String: Any])
            #expect(error["code"] as? String == refusal.code)
            #expect((error["message"] as? String)?.isEmpty == false)
            #expect(error["type"] as? String == "invalid_request_error")
            #expect(try await cluster.post("/v1/chat/completions", json: chatBody(tokens: 1)).status == 200)
        }
    }

    @Test func remoteImageURLsAreRefusedWithAClearMessage() async throws {
        try await HTTPCluster.with { cluster in
            let response = try await cluster.post("/v1/chat/completions", json: Self.image("http://example.com/a.png"))
            let message = (response.json?["error"] as? [String: Any])?["message"] as? String
            #expect(message?.contains("remote image URLs are not fetched") == true)
        }
    }

    @Test func aFullQueueIs429AtOnce() async throws {
        try await HTTPCluster.with({
            $0.maxQueue = 0
            $0.oversubscription = 1
        }) { cluster in
            _ = try await cluster.worker("w") {
                $0.maxRunning = 1
                $0.tokenInterval = .milliseconds(50)
            }
            let busy = try HTTPConnection(port: cluster.port)
            busy.send("POST", "/v1/chat/completions", body: Array(chatBody(tokens: 1000, stream: true).utf8))
            _ = try await offThePool { busy.read(until: { String(decoding: $0, as: UTF8.self).contains("t0 ") }) }
            let refused = try await cluster.post("/v1/chat/completions", json: chatBody(stream: true))
            #expect(refused.status == 429 && refused.errorCode == "overloaded")
            #expect((refused.json?["error"] as? [String: Any])?["type"] as? String == "rate_limit_error")
            busy.close()
        }
    }

    @Test func aWorkerThatNeverAnswersIs504WithinTheDeadline() async throws {
        try await HTTPCluster.with({ $0.requestTimeout = .milliseconds(400) }) { cluster in
            let worker = try await cluster.worker("w")
            worker.set { $0.answers = false }
            let response = try await cluster.post("/v1/chat/completions", json: chatBody())
            #expect(response.status == 504 && response.errorCode == "timeout")
        }
    }

    @Test func noLiveWorkerIs503() async throws {
        try await HTTPCluster.with({ $0.registrationGrace = .zero }) { cluster in
            let worker = try await cluster.worker("w")
            worker.kill()
            #expect(await eventually { cluster.services.relay.snapshot.liveWorkers.isEmpty })
            let response = try await cluster.post("/v1/chat/completions", json: chatBody())
            #expect(response.status == 503 && response.errorCode == "no_live_worker")
        }
    }
}
