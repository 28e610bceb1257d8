@testable import ControllerKit
import Foundation
import LoomProtocol
import Testing
import TestSupport

/// The JSON bodies of /v1/chat/completions and /v1/completions, valid ones mutated as a hostile or
/// broken client would send them. Every body becomes either a wire request that the wire protocol
/// accepts, or an `APIError`: 400, OpenAI's error shape, a sentence with no Swift type or enum text.
/// Where the mutation says what must be refused (invalid UTF-8, a lone surrogate, a number out of its
/// field's range), the error says that, naming the byte or the field.
@Suite struct BodyFuzzTests {
    static let configuration = ControllerConfiguration()

    static let chatBodies: [String] = [
        #"{"model":"SmolLM2-135M-Instruct","messages":[{"role":"user","content":"What is the capital of France?"}]}"#,
        #"{"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"caf\u00e9 \ud83d\ude00 \n\t\"q\" \\ / \/"},{"role":"assistant","content":null}],"stream":true,"stream_options":{"include_usage":true}}"#,
        #"{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"Describe"},{"type":"image_url","image_url":{"url":"\#(BodyFuzzTests.dataURL)"}}]}],"max_tokens":16,"temperature":0.7,"top_p":0.9,"top_k":40,"min_p":0.05,"seed":42,"stop":["\n\n","</s>"],"frequency_penalty":0.5,"presence_penalty":-0.5,"repetition_penalty":1.1,"n":1,"ignore_eos":false}"#,
        #"{"model":"m","messages":[{"role":"developer","content":[{"type":"text","text":"x"}]},{"role":"user","content":[{"type":"image_url","image_url":"\#(BodyFuzzTests.dataURL)"}]}],"max_completion_tokens":2147483647,"seed":-1,"stop":"END"}"#,
    ]

    static let completionBodies: [String] = [
        #"{"model":"SmolLM2-135M-Instruct","prompt":"Once upon a time","max_tokens":8}"#,
        #"{"model":"m","prompt":["one prompt \u00e9"],"stream":false,"temperature":0,"top_k":0,"seed":18446744073709551615,"stop":[]}"#,
    ]

    /// A real 40×30 JPEG as a data URL.
    static let dataURL: String = {
        let file = ImageFuzzTests.packageRoot.appendingPathComponent("Tests/ImageTestData/gray_40x30.jpg")
        return "data:image/jpeg;base64," + ((try? Data(contentsOf: file)) ?? Data()).base64EncodedString()
    }()

    /// Numbers that do not fit the fields they are put in, or only just.
    static let numbers = [
        "0", "-0", "1", "-1", "4.5", "1e20", "-1e20", "1e999", "-1e999", "1e-400", "2147483647", "2147483648",
        "9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616",
        "123456789012345678901234567890123456789", "0.0000001", "1E+2", "\"5\"", "true", "null", "[]", "{}",
    ]

    /// Numbers JSON does not allow: refused as syntax, whatever the field.
    static let malformedNumbers = ["NaN", "Infinity", "-Infinity", "00", "01", "1.", ".5", "+1", "-", "1e", "0x10", "1e+"]

    static let numberFields = [
        "max_tokens", "max_completion_tokens", "temperature", "top_p", "top_k", "min_p", "frequency_penalty",
        "presence_penalty", "repetition_penalty", "seed", "n", "best_of",
    ]

    enum Endpoint: CaseIterable { case chat, completion }

    /// What a mutation promises about the answer.
    enum Expectation {
        case anything
        /// Bytes that are not UTF-8 were put in.
        case invalidUTF8
        /// A lone surrogate escape was put in a string the request reads.
        case loneSurrogate
        /// `field` holds a value that may be out of its range: refused only by naming it.
        case field(String)
        /// A body that cannot be a request.
        case refused
        /// Malformed JSON: refused with a sentence saying so.
        case syntax
        /// Lists and objects nested deeper than the decoder reads.
        case tooDeep
    }

    @Test func mutatedBodiesBecomeARequestOrAClearError() {
        var outcomes: [String: Int] = [:]
        let (_, rise) = PeakMemory.rise {
            FuzzRun("http-bodies", seed: 0xB0D1_0001, iterations: 3000).run { rng, replay in
                let endpoint = rng.oneIn(3) ? Endpoint.completion : .chat
                let valid = Array(rng.element(endpoint == .chat ? Self.chatBodies : Self.completionBodies).utf8)
                let (body, expectation) = Self.mutant(of: valid, endpoint, &rng)
                let outcome = Self.check(body, endpoint, expectation, replay)
                outcomes[outcome, default: 0] += 1
            }
        }
        print("fuzz http-bodies: \(outcomes.sorted { $0.key < $1.key }); peak rose \(PeakMemory.megabytes(rise))")
        #expect(outcomes["request", default: 0] > 300)
        #expect(outcomes.filter { $0.key != "request" }.values.reduce(0, +) > 1000)
        // Bodies of a few kB and nesting past the decoder's depth limit: nothing should cost much.
        if let rise { #expect(rise < 100_000_000, "the body fuzz run made \(PeakMemory.megabytes(rise)) resident") }
    }

    /// The valid bodies themselves are requests: the mutants start from something that works.
    @Test func theSeedBodiesAreRequests() throws {
        for body in Self.chatBodies {
            _ = try RequestBodyDecoder.decode(ChatCompletionBody.self, from: Array(body.utf8)).generationRequest(Self.configuration)
        }
        for body in Self.completionBodies {
            _ = try RequestBodyDecoder.decode(CompletionBody.self, from: Array(body.utf8)).generationRequest(Self.configuration)
        }
    }

    /// Decodes as the front door does; returns the outcome's name.
    static func check(_ body: [UInt8], _ endpoint: Endpoint, _ expectation: Expectation, _ replay: String) -> String {
        let context = "\(replay), body: \(String(decoding: body.prefix(400), as: UTF8.self))"
        // Whatever the mutation meant, bytes that are not UTF-8 must be answered as such.
        let expectation: Expectation = String(validating: body, as: UTF8.self) == nil ? .invalidUTF8 : expectation
        do throws(APIError) {
            let request =
                switch endpoint {
                case .chat: try RequestBodyDecoder.decode(ChatCompletionBody.self, from: body).generationRequest(configuration)
                case .completion: try RequestBodyDecoder.decode(CompletionBody.self, from: body).generationRequest(configuration)
                }
            switch expectation {
            case .invalidUTF8, .loneSurrogate, .refused, .syntax, .tooDeep:
                Issue.record("accepted a body that must be refused (\(expectation)): \(context)")
            case .anything, .field:
                break
            }
            checkRequest(request, context)
            // The front door checks the wire's limits next; its refusal is a sentence too.
            do {
                _ = try ClientMessage.decode(ClientMessage.request(request).encode(), limits: configuration.limits)
            } catch {
                checkSentence(error.sentence.message, context)
                return "wire limit"
            }
            return "request"
        } catch {
            checkError(error, expectation, body, context)
            return "refused \(error.code?.name ?? "nil")"
        }
    }

    static func checkRequest(_ request: GenerationRequest, _ context: String) {
        let sampling = request.sampling
        #expect(sampling.maxTokens >= 1 && sampling.maxTokens <= SamplingFields.largestCount, "\(context)")
        #expect(sampling.temperature.isFinite && sampling.temperature >= 0, "\(context)")
        #expect(sampling.topP > 0 && sampling.topP <= 1 && sampling.topK >= 0, "\(context)")
        #expect(sampling.repetitionPenalty > 0 && sampling.repetitionPenalty.isFinite, "\(context)")
        for image in request.images {
            #expect(image.starts(with: [0xFF, 0xD8, 0xFF]) || image.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(context)")
        }
        if case .chat(let messages) = request.prompt {
            for part in messages.flatMap(\.parts) {
                if case .image(let index) = part { #expect(request.images.indices.contains(index), "\(context)") }
            }
        }
    }

    static func checkError(_ error: APIError, _ expectation: Expectation, _ body: [UInt8], _ context: String) {
        #expect(error.status.code == 400, "status \(error.status.code): \(error.message) — \(context)")
        #expect(error.code == .badRequest || error.code == .badImage, "\(error.message) — \(context)")
        checkSentence(error.message, context)
        // OpenAI's shape, as the front door writes it.
        let json = (try? JSONEncoder().encode(APIError.Body(error: error))).flatMap { try? JSONSerialization.jsonObject(with: $0) }
        let detail = (json as? [String: Any])?["error"] as? [String: Any]
        #expect(detail?["message"] as? String == error.message && detail?["type"] as? String == "invalid_request_error", "\(context)")
        switch expectation {
        case .invalidUTF8:
            // The byte named is the first that is not UTF-8: all before it is.
            let prefix = "the body is not valid UTF-8 at byte "
            guard error.message.hasPrefix(prefix), let offset = Int(error.message.dropFirst(prefix.count)) else {
                Issue.record("invalid UTF-8 answered \"\(error.message)\": \(context)")
                return
            }
            #expect(offset < body.count && String(validating: body[..<offset], as: UTF8.self) != nil, "\(error.message): \(context)")
        case .loneSurrogate:
            #expect(error.message.contains("lone UTF-16 surrogate"), "\(error.message): \(context)")
        case .field(let field):
            #expect(error.param == field && error.message.hasPrefix(field), "\(error.message) (param \(error.param ?? "nil")): \(context)")
        case .syntax:
            #expect(error.message.hasPrefix("the body is not valid JSON"), "\(error.message): \(context)")
        case .tooDeep:
            #expect(error.message.hasPrefix("the body nests lists and objects too deeply: more than 512 levels at byte"), "\(error.message): \(context)")
        case .anything, .refused:
            break
        }
    }

    /// A message for people: says something, and holds none of Swift's own text.
    static func checkSentence(_ message: String, _ context: String) {
        #expect(!message.isEmpty, "\(context)")
        for leak in ["Swift.", "DecodingError", "CodingKeys", "codingPath", "debugDescription", "Optional(", "overLimit(",
                     "headerTooLarge(", "typeMismatch", "keyNotFound", "dataCorrupted", "Error Domain", "NSCocoaErrorDomain"] {
            #expect(!message.contains(leak), "the message \"\(message)\" holds \"\(leak)\": \(context)")
        }
    }

    // MARK: Mutations

    static func mutant(of valid: [UInt8], _ endpoint: Endpoint, _ rng: inout SplitMix64) -> ([UInt8], Expectation) {
        var body = valid
        switch rng.below(9) {
        case 0, 1:
            // Bytes spoilt anywhere: flips, truncations, insertions, edge values.
            return (rng.mutate(body, rounds: 4), .anything)
        case 2:
            // A number field set to a value that may not fit it.
            let field = rng.element(numberFields)
            let malformed = rng.oneIn(4)
            body = replacing(field: field, with: rng.element(malformed ? malformedNumbers : numbers), in: body)
            return (body, malformed ? .syntax : .field(field))
        case 3:
            // Bytes that are not UTF-8, inside a string or anywhere.
            let bad: [[UInt8]] = [[0xFF], [0xC3, 0x28], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xF0, 0x9F, 0x98]]
            body.insert(contentsOf: rng.element(bad), at: rng.below(body.count + 1))
            return (body, .invalidUTF8)
        case 4:
            // A lone surrogate escape in a string the request reads.
            let surrogate = rng.element([#"\ud800"#, #"\udbff"#, #"\udc00"#, #"\udfff"#, #"\ud800\u0041"#, #"\udc00\ud800"#, #"\ud83d"#])
            let key = endpoint == .chat ? rng.element([#""content":""#, #""model":""#, #""role":""#]) : rng.element([#""prompt":""#, #""model":""#])
            guard let at = find(Array(key.utf8), in: body) else { return (body, .anything) }
            body.insert(contentsOf: Array(surrogate.utf8), at: at + key.utf8.count)
            return (body, .loneSurrogate)
        case 5:
            // Nesting as deep as a client likes, closed or not, where a value goes.
            let depth = rng.element([2, 100, 511, 512, 513, 1000, 10_000, 100_000])
            let open = rng.element(["[", "{\"a\":"])
            let close = open == "[" ? "]" : "}"
            let nested = String(repeating: open, count: depth) + (rng.oneIn(3) ? "" : "1" + String(repeating: close, count: depth))
            let field = rng.element(endpoint == .chat ? ["content", "messages", "stop", "model"] : ["prompt", "stop", "seed"])
            body = replacing(field: field, with: nested, in: body)
            // The field's own depth: `content` is inside the body, `messages` and a message.
            let levels = (field == "content" ? 3 : 1) + depth
            return (body, levels > JSONSyntax.maxDepth ? .tooDeep : .refused)
        case 6:
            // A field of the wrong kind, or an unknown one, or a key twice.
            let field = rng.element(["model", "messages", "prompt", "stream", "stream_options", "stop", "role", "content", "type", "image_url", "url", "text", "unknown"])
            let value = rng.element(["null", "true", "1", "\"\"", "\"x\"", "[]", "{}", "[null]", "[{}]", "[\"a\",1]", "{\"url\":1}", "-1e999"])
            if find(Array("\"\(field)\":".utf8), in: body) != nil, !rng.oneIn(4) {
                body = replacingValue(after: "\"\(field)\":", with: value, in: body)
            } else if let brace = body.firstIndex(of: UInt8(ascii: "{")) {
                body.insert(contentsOf: Array("\"\(field)\":\(value),".utf8), at: brace + 1)
            }
            return (body, .anything)
        case 7:
            // Not an object at all, or nothing.
            let whole = ["", " ", "null", "[]", "\"body\"", "1", "{}", "{", "}", "[{}]", "\u{FEFF}{}", "{\"model\":\"m\"}"]
            return (Array(rng.element(whole).utf8), .refused)
        default:
            // The image's data URL spoilt (chat), or the prompt made long and strange (completion).
            if let at = find(Array("base64,".utf8), in: body) {
                let start = at + 7
                let end = body[start...].firstIndex(of: UInt8(ascii: "\"")) ?? body.count
                var encoded = Array(body[start..<end])
                encoded = rng.mutate(encoded, rounds: 3).map { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 || $0 > 0x7E ? UInt8(ascii: "A") : $0 }
                body.replaceSubrange(start..<end, with: encoded)
            } else {
                let text = String(repeating: rng.element(["a", "é", "\\n", "\\u0000", "🌍", " "]), count: 1 + rng.below(5000))
                body = replacingValue(after: #""prompt":"#, with: "\"\(text)\"", in: body)
            }
            return (body, .anything)
        }
    }

    /// The offset of the first `needle` in `haystack`, by pointer: this test code is built without
    /// optimisation, where a loop over slices is slow.
    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                outer: for start in 0...(hay.count - pin.count) {
                    for k in 0..<pin.count where hay[start + k] != pin[k] { continue outer }
                    return start
                }
                return nil
            }
        }
    }

    /// Sets `field` to `value` (raw JSON): replaces its value, or adds it at the top level.
    static func replacing(field: String, with value: String, in body: [UInt8]) -> [UInt8] {
        let key = "\"\(field)\":"
        if find(Array(key.utf8), in: body) != nil { return replacingValue(after: key, with: value, in: body) }
        guard let close = body.lastIndex(of: UInt8(ascii: "}")) else { return body }
        var out = body
        out.insert(contentsOf: Array(",\(key)\(value)".utf8), at: close)
        return out
    }

    /// Replaces the JSON value after the first `key` (a scan of its brackets and strings) with `value`.
    static func replacingValue(after key: String, with value: String, in body: [UInt8]) -> [UInt8] {
        guard let at = find(Array(key.utf8), in: body) else { return body }
        let start = at + key.utf8.count
        var index = start, depth = 0, inString = false
        while index < body.count {
            let byte = body[index]
            if inString {
                if byte == UInt8(ascii: "\\") { index += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                depth += 1
            } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                if depth == 0 { break }
                depth -= 1
            } else if byte == UInt8(ascii: ","), depth == 0 {
                break
            }
            index += 1
        }
        var out = body
        out.replaceSubrange(start..<min(index, body.count), with: Array(value.utf8))
        return out
    }
}
