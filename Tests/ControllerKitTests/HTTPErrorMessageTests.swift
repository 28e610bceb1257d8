import ControllerKit
import Foundation
import TestSupport
import Testing

/// Bad input answered with a sentence: 400 (or 404/405), OpenAI's error shape, a message naming
/// the field or the byte, and no Swift type or enum text.
@Suite("HTTP error messages")
struct HTTPErrorMessageTests {
    struct Case: Sendable {
        let name: String
        var path = "/v1/chat/completions"
        let body: [UInt8]
        /// Text the message must contain.
        let says: String
        /// `error.param`, when the refusal names a field.
        var param: String? = nil
    }

    static func chat(extra: String) -> [UInt8] { Array(chatBody(extra: extra).utf8) }

    static func chat(content: String) -> [UInt8] {
        Array(#"{"model":"test-model","messages":[{"role":"user","content":\#(content)}]}"#.utf8)
    }

    static let invalidUTF8 = Array(#"{"model":"test-model","messages":[{"role":"user","content":"caf"#.utf8) + [0xC3, 0x28]
        + Array(#""}]}"#.utf8)

    static let cases: [Case] = [
        Case(name: "invalid UTF-8", body: invalidUTF8, says: "the body is not valid UTF-8 at byte \(invalidUTF8.firstIndex(of: 0xC3)!)"),
        Case(name: "lone high surrogate", body: chat(content: #""a\ud800b""#), says: #"lone UTF-16 surrogate, \ud800"#),
        Case(name: "lone low surrogate", body: chat(content: #""\udc00""#), says: #"lone UTF-16 surrogate, \udc00"#),
        Case(name: "syntax error", body: Array(#"{"model":"test-model",,}"#.utf8), says: "not valid JSON: expected a key in double quotes at byte 22"),
        Case(name: "max_tokens 4.5", body: chat(extra: #","max_completion_tokens":4.5"#), says: "max_completion_tokens must be an integer between 1 and 2147483647", param: "max_completion_tokens"),
        Case(name: "max_tokens 1e20", body: Array(#"{"model":"test-model","messages":[],"max_tokens":1e20}"#.utf8), says: "max_tokens must be an integer between 1 and 2147483647", param: "max_tokens"),
        Case(name: "max_tokens 0", body: chat(extra: #","max_completion_tokens":0"#), says: "max_completion_tokens must be an integer between 1 and", param: "max_completion_tokens"),
        Case(name: "temperature 1e999", body: chat(extra: #","temperature":1e999"#), says: "temperature must be a number between 0 and 1000", param: "temperature"),
        Case(name: "temperature as text", body: chat(extra: #","temperature":"hot""#), says: "temperature must be a number between 0 and 1000", param: "temperature"),
        Case(name: "top_p 2", body: chat(extra: #","top_p":2"#), says: "top_p must be a number greater than 0 and at most 1", param: "top_p"),
        Case(name: "top_p 0", body: chat(extra: #","top_p":0"#), says: "top_p must be a number greater than 0 and at most 1", param: "top_p"),
        Case(name: "frequency_penalty 3", body: chat(extra: #","frequency_penalty":3"#), says: "frequency_penalty must be a number between -2 and 2", param: "frequency_penalty"),
        Case(name: "n 1e30", body: chat(extra: #","n":1e30"#), says: "n must be an integer between 1 and 8", param: "n"),
        Case(name: "n 9", body: chat(extra: #","n":9"#), says: "n must be an integer between 1 and 8", param: "n"),
        Case(name: "n 0", body: chat(extra: #","n":0"#), says: "n must be an integer between 1 and 8", param: "n"),
        Case(name: "best_of 2", body: chat(extra: #","best_of":2"#), says: "best_of is not supported", param: "best_of"),
        Case(name: "logit_bias key", body: chat(extra: #","logit_bias":{"hello":5}"#), says: "logit_bias keys must be token ids", param: "logit_bias"),
        Case(name: "logit_bias negative key", body: chat(extra: #","logit_bias":{"-3":5}"#), says: "logit_bias keys must be token ids", param: "logit_bias"),
        Case(name: "logit_bias 101", body: chat(extra: #","logit_bias":{"42":101}"#), says: "logit_bias.42 must be a number between -100 and 100", param: "logit_bias.42"),
        Case(name: "logit_bias as text", body: chat(extra: #","logit_bias":{"42":"ban"}"#), says: "logit_bias.42 must be a number between -100 and 100", param: "logit_bias.42"),
        Case(name: "logit_bias as list", body: chat(extra: #","logit_bias":[1,2]"#), says: "logit_bias must be an object from token ids to biases", param: "logit_bias"),
        Case(name: "logit_bias too many", body: chat(extra: #","logit_bias":{"# + (0...1024).map { #""\#($0)":1"# }.joined(separator: ",") + "}"), says: "logit_bias may hold at most 1024 tokens", param: "logit_bias"),
        Case(name: "seed -2", body: chat(extra: #","seed":-2"#), says: "seed must be an integer between 0 and 18446744073709551615, or -1 for none", param: "seed"),
        Case(name: "seed 1e30", body: chat(extra: #","seed":1e30"#), says: "seed must be an integer between 0 and", param: "seed"),
        Case(name: "top_k -1", body: chat(extra: #","top_k":-1"#), says: "top_k must be an integer between 0 (off) and 2147483647", param: "top_k"),
        Case(name: "top_k 2.5", body: chat(extra: #","top_k":2.5"#), says: "top_k must be an integer", param: "top_k"),
        Case(name: "stream as text", body: chat(extra: #","stream_options":{"include_usage":"yes"}"#), says: "field 'stream_options.include_usage': expected true or false", param: "stream_options.include_usage"),
        Case(name: "stop as number", body: chat(extra: #","stop":5"#), says: "stop must be a string or a list of strings", param: "stop"),
        Case(name: "content as number", body: chat(content: "5"), says: "messages[0].content must be a string or a list of content parts", param: "messages[0].content"),
        Case(name: "role as number", body: Array(#"{"model":"test-model","messages":[{"role":7}]}"#.utf8), says: "field 'messages[0].role': expected a string", param: "messages[0].role"),
        Case(name: "missing messages", body: Array(#"{"model":"test-model"}"#.utf8), says: "the field 'messages' is missing", param: "messages"),
        Case(name: "a list for a body", body: Array("[1]".utf8), says: "the body must be a JSON object"),
        Case(name: "model name past the wire's limit", body: Array(chatBody(model: String(repeating: "m", count: 300)).utf8), says: "model has 300 bytes, more than the 256", param: "model"),
        Case(name: "audio output", body: chat(extra: #","modalities":["text","audio"],"audio":{"voice":"alloy","format":"wav"}"#), says: "audio is not supported: this server answers with text only", param: "audio"),
        Case(name: "audio modality", body: chat(extra: #","modalities":["audio"]"#), says: #"modalities may only list "text""#, param: "modalities"),
        Case(name: "predicted output", body: chat(extra: #","prediction":{"type":"content","content":"x"}"#), says: "prediction is not supported", param: "prediction"),
        Case(name: "web search", body: chat(extra: #","web_search_options":{}"#), says: "web_search_options is not supported", param: "web_search_options"),
        Case(name: "top_logprobs 21", body: chat(extra: #","logprobs":true,"top_logprobs":21"#), says: "top_logprobs must be an integer between 0 and 20", param: "top_logprobs"),
        Case(name: "top_logprobs -1", body: chat(extra: #","logprobs":true,"top_logprobs":-1"#), says: "top_logprobs must be an integer between 0 and 20", param: "top_logprobs"),
        Case(name: "top_logprobs without logprobs", body: chat(extra: #","top_logprobs":2"#), says: "top_logprobs requires logprobs to be true", param: "top_logprobs"),
        Case(name: "top_logprobs with logprobs false", body: chat(extra: #","logprobs":false,"top_logprobs":2"#), says: "top_logprobs requires logprobs to be true", param: "top_logprobs"),
        Case(name: "chat logprobs as number", body: chat(extra: #","logprobs":3"#), says: "logprobs", param: "logprobs"),
        Case(name: "completions logprobs 21", path: "/v1/completions", body: Array(#"{"model":"test-model","prompt":"a","logprobs":21}"#.utf8), says: "logprobs must be an integer between 0 and 20", param: "logprobs"),
        Case(name: "prompt as number", path: "/v1/completions", body: Array(#"{"model":"test-model","prompt":3}"#.utf8), says: "prompt must be a string or a list of one string", param: "prompt"),
        Case(name: "best_of on completions", path: "/v1/completions", body: Array(#"{"model":"test-model","prompt":"a","best_of":"x"}"#.utf8), says: "best_of is not supported", param: "best_of"),
        Case(name: "two prompts", path: "/v1/completions", body: Array(#"{"model":"test-model","prompt":["a","b"]}"#.utf8), says: "prompt must be a string or a list of one string", param: "prompt"),
    ]

    /// Text a Swift error's description has and a sentence does not: `(size:`, `Swift.`, type names.
    static func swiftLooking(_ message: String) -> String? {
        let markers = ["Swift", "DecodingError", "dataCorrupted", "typeMismatch", "Array<", "Dictionary<", "Optional(", "CodingKeys", "Int64", "UInt64", "Double"]
        if let marker = markers.first(where: { message.contains($0) }) { return marker }
        return message.range(of: #"\(\s*[a-zA-Z]+:"#, options: .regularExpression).map { String(message[$0]) }
    }

    @Test func badValuesAreRefusedWithSentencesNamingTheField() async throws {
        try await HTTPCluster.with({ $0.registrationGrace = .zero }) { cluster in
            _ = try await cluster.worker("w")
            for refusal in Self.cases {
                let response = try await HTTPConnection.exchange(port: cluster.port, "POST", refusal.path, body: refusal.body)
                #expect(response.status == 400, "\(refusal.name): status \(response.status)")
                #expect(response.headers["content-type"] == "application/json", "\(refusal.name)")
                let error = try #require(response.json?["error"] as? [String: Any], "\(refusal.name): \(response.text)")
                let message = error["message"] as? String ?? ""
                #expect(message.contains(refusal.says), "\(refusal.name): \(message)")
                #expect(Self.swiftLooking(message) == nil, "\(refusal.name): \(message)")
                #expect(error["type"] as? String == "invalid_request_error", "\(refusal.name)")
                #expect(error["code"] as? String == "bad_request", "\(refusal.name)")
                #expect(error["param"] as? String == refusal.param, "\(refusal.name): param \(String(describing: error["param"]))")
                #expect(error.keys.contains("param"), "\(refusal.name)")
            }
            // Each refusal counts, and the server keeps serving.
            let metrics = try await cluster.get("/metrics").text
            let line = metrics.split(separator: "\n").first { $0.hasPrefix(#"loom_requests_total{outcome="bad_request"}"#) }
            let counted: Double? = line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
            #expect(counted == Double(Self.cases.count), "\(line.map(String.init) ?? "no line")")
            #expect(try await cluster.post("/v1/chat/completions", json: chatBody(tokens: 1, extra: #","seed":18446744073709551615,"top_k":0"#)).status == 200)
            // llama.cpp's "no seed".
            #expect(try await cluster.post("/v1/chat/completions", json: chatBody(tokens: 1, extra: #","seed":-1"#)).status == 200)
            // Fields that change nothing here are taken, and so are the refused ones left empty.
            let harmless = #","user":"u1","metadata":{"k":"v"},"store":false,"service_tier":"auto","parallel_tool_calls":true,"modalities":["text"],"audio":null"#
            #expect(try await cluster.post("/v1/chat/completions", json: chatBody(tokens: 1, extra: harmless)).status == 200)
        }
    }

    @Test func theSwiftLookingCheckCatchesEnumText() {
        #expect(Self.swiftLooking("the request exceeds the wire protocol's limits: headerTooLarge(size: 2, limit: 1)") != nil)
        #expect(Self.swiftLooking("field 'x': Parsed JSON number <4.5> does not fit in Int64.") != nil)
        #expect(Self.swiftLooking("max_tokens must be an integer between 1 and 2147483647") == nil)
    }

    @Test func aWrongMethodIs405WithAllowAndAnUnknownPath404() async throws {
        try await HTTPCluster.with { cluster in
            for (method, path, allow) in [("GET", "/v1/chat/completions", "POST"), ("POST", "/v1/models", "GET"), ("DELETE", "/health", "GET")] {
                let response = try await HTTPConnection.exchange(port: cluster.port, method, path)
                #expect(response.status == 405, "\(method) \(path)")
                #expect(response.headers["allow"] == allow, "\(method) \(path)")
                let error = try #require(response.json?["error"] as? [String: Any], "\(method) \(path): \(response.text)")
                #expect(error["message"] as? String == "\(path) takes \(allow), not \(method)")
                #expect(error["type"] as? String == "invalid_request_error")
                #expect(error["code"] is NSNull && error["param"] is NSNull)
            }
            let missing = try await cluster.get("/v1/nowhere")
            #expect(missing.status == 404)
            #expect(missing.headers["content-type"] == "application/json")
            let error = try #require(missing.json?["error"] as? [String: Any], "\(missing.text)")
            #expect((error["message"] as? String)?.contains("there is no GET /v1/nowhere") == true)
            #expect(error["type"] as? String == "invalid_request_error")
            #expect(error["code"] is NSNull)
        }
    }
}
