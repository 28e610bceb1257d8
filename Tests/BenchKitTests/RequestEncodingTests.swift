@testable import BenchKit
import Foundation
import LoomProtocol
import Testing

/// How a request's messages go out over each client, and what comes back from a stream's usage.
@Suite("Requests on the wire")
struct RequestEncodingTests {
    static let png = ImageFile(bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2])!
    static let jpeg = ImageFile(bytes: [0xFF, 0xD8, 0xFF, 3])!

    /// A history: system, user with an image, assistant, user with another image.
    static let history = BenchRequest(
        messages: [.system("be brief"), .user("first", images: [png]), .assistant("an answer"), .user("second", images: [jpeg])],
        maxTokens: 4)

    @Test func theHTTPBodyHasEveryMessageInOrderImagesAsParts() throws {
        let body = try JSONEncoder().encode(ChatRequestBody(Self.history, model: "m"))
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let messages = try #require(object["messages"] as? [[String: Any]])
        #expect(messages.map { $0["role"] as? String } == ["system", "user", "assistant", "user"])
        // Text-only messages are plain strings, as every OpenAI-style server reads them.
        #expect(messages[0]["content"] as? String == "be brief")
        #expect(messages[2]["content"] as? String == "an answer")
        let first = try #require(messages[1]["content"] as? [[String: Any]])
        #expect(first.map { $0["type"] as? String } == ["image_url", "text"])
        #expect((first[0]["image_url"] as? [String: String])?["url"] == "data:image/png;base64,iVBORw0KGgoBAg==")
        #expect(first[1]["text"] as? String == "first")
        let second = try #require(messages[3]["content"] as? [[String: Any]])
        #expect((second[0]["image_url"] as? [String: String])?["url"]?.hasPrefix("data:image/jpeg;base64,") == true)
        #expect(object["max_tokens"] as? Int == 4 && object["ignore_eos"] as? Bool == true)
    }

    @Test func theZeroMQRequestNumbersImagesAcrossMessages() {
        let request = ZeroMQGenerationClient.generationRequest(Self.history, id: "r", model: "m", deadlineUnixMs: 5)
        #expect(request.prompt == .chat([
            ChatMessage(role: .system, parts: [.text("be brief")]),
            ChatMessage(role: .user, parts: [.image(0), .text("first")]),
            ChatMessage(role: .assistant, parts: [.text("an answer")]),
            ChatMessage(role: .user, parts: [.image(1), .text("second")]),
        ]))
        #expect(request.images == [Self.png.bytes, Self.jpeg.bytes])
        #expect(request.sampling.maxTokens == 4 && request.sampling.ignoreEOS)
    }

    /// A stream's events, each whole, read at one instant.
    static func read(_ events: [String]) -> RequestRecord {
        var stream = StreamedCompletion(start: .now)
        stream.read(Array(events.map { "data: \($0)\n\n" }.joined().utf8), at: .now)
        return stream.ended
    }

    static func tokens(_ texts: [String], usage: String) -> [String] {
        texts.map { #"{"choices":[{"index":0,"delta":{"content":"\#($0)"},"finish_reason":null}]}"# }
            + [#"{"choices":[{"index":0,"delta":{},"finish_reason":"length"}]}"#, #"{"choices":[],"usage":\#(usage)}"#, "[DONE]"]
    }

    @Test func theUsageGivesCachedTokensAndTheAnswerIsTheTextReceived() throws {
        let reported = Self.read(Self.tokens(
            ["Hel", "lo", " there"],
            usage: #"{"prompt_tokens":40,"completion_tokens":3,"total_tokens":43,"prompt_tokens_details":{"cached_tokens":32}}"#))
        guard case .success(let timing) = reported else { Issue.record("\(reported)"); return }
        #expect(timing.cachedTokens == 32 && timing.inputTokens == 40 && timing.outputTokens == 3)
        #expect(timing.answer == "Hello there")

        let zero = Self.read(Self.tokens(
            ["a"], usage: #"{"prompt_tokens":9,"completion_tokens":1,"total_tokens":10,"prompt_tokens_details":{"cached_tokens":0}}"#))
        guard case .success(let zeroTiming) = zero else { Issue.record("\(zero)"); return }
        #expect(zeroTiming.cachedTokens == 0)

        // A server that does not report a cache: unknown, not zero.
        let silent = Self.read(Self.tokens(["a"], usage: #"{"prompt_tokens":9,"completion_tokens":1,"total_tokens":10}"#))
        guard case .success(let silentTiming) = silent else { Issue.record("\(silent)"); return }
        #expect(silentTiming.cachedTokens == nil)
    }

    @Test func zeroMQPartialsMakeTheAnswer() {
        var timeline = TokenTimeline(start: .now)
        timeline.tokensArrived(2, text: "Hel", at: .now)
        // A character completed later: text without a new token.
        timeline.tokensArrived(0, text: "l", at: .now)
        timeline.tokensArrived(1, text: "o", at: .now)
        let timing = timeline.timing(end: .now, inputTokens: 5, outputTokens: nil, cachedTokens: 4)
        #expect(timing.answer == "Hello" && timing.outputTokens == 3 && timing.cachedTokens == 4)
        #expect(timing.interTokenLatencies.count == 1)
    }
}
