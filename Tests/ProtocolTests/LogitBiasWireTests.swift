import LoomProtocol
import Testing

/// REQUEST's `logit_bias` (docs/protocol.md, section 4.3): after `logprobs`, before `grammar`.
@Suite struct LogitBiasWireTests {
    private func request(_ biases: [LogitBias]) -> GenerationRequest {
        var sampling = SamplingParameters(maxTokens: 4)
        sampling.logitBias = biases
        return GenerationRequest(id: "r", model: "m", prompt: .text("hi"), sampling: sampling)
    }

    @Test func roundTripsOnBothSides() throws {
        let message = request([LogitBias(token: 0, bias: -100), LogitBias(token: 151_935, bias: 100), LogitBias(token: 7, bias: 0.5)])
        #expect(try WorkerMessage.decode(WorkerMessage.request(message).encode()) == .request(message))
        #expect(try ClientMessage.decode(ClientMessage.request(message).encode()) == .request(message))
    }

    /// The entries come after `logprobs`: a count, then token and bias for each; then
    /// `prompt_logprobs`, the grammar (absent), the tools (none) and the tool choice (auto).
    @Test func entriesFollowLogprobs() {
        let plain = WorkerMessage.request(request([])).encode()[2]
        let biased = WorkerMessage.request(request([LogitBias(token: 300, bias: -2)])).encode()[2]
        #expect(Array(plain.suffix(6)) == [0, 0, 0, 0, 0, 0], "logprobs absent, no biases, prompt_logprobs false, no grammar, no tools, auto")
        #expect(Array(biased.prefix(plain.count - 5)) == Array(plain.dropLast(5)))
        #expect(Array(biased.suffix(biased.count - plain.count + 5)) == [1, 0xAC, 0x02, 0x00, 0x00, 0x00, 0xC0, 0, 0, 0, 0])
    }

    @Test func moreEntriesThanTheLimitAreRefused() throws {
        let full = request((0..<1024).map { LogitBias(token: Int32($0), bias: 1) })
        #expect(try WorkerMessage.decode(WorkerMessage.request(full).encode()) == .request(full))
        let over = request((0...1024).map { LogitBias(token: Int32($0), bias: 1) })
        #expect(throws: WireError.self) { try WorkerMessage.decode(WorkerMessage.request(over).encode()) }
        var small = WireLimits()
        small.maxLogitBiases = 2
        #expect(throws: WireError.self) {
            try WorkerMessage.decode(WorkerMessage.request(self.request((0..<3).map { LogitBias(token: Int32($0), bias: 1) })).encode(), limits: small)
        }
    }

    @Test func aBiasMustBeFinite() {
        let bad = request([LogitBias(token: 1, bias: .nan)])
        #expect(throws: WireError.self) { try WorkerMessage.decode(WorkerMessage.request(bad).encode()) }
    }
}

/// REQUEST's `prompt_logprobs` and PARTIAL's prompt entries (docs/protocol.md, 4.3 and 4.4).
@Suite struct PromptLogprobsWireTests {
    @Test func theRequestFlagRoundTrips() throws {
        var sampling = SamplingParameters(maxTokens: 4, logprobs: 2)
        sampling.promptLogprobs = true
        let request = GenerationRequest(id: "r", model: "m", prompt: .text("hi"), sampling: sampling)
        let header = WorkerMessage.request(request).encode()[2]
        // Then no grammar, no tools, tool_choice auto.
        #expect(Array(header.suffix(4)) == [1, 0, 0, 0])
        #expect(try WorkerMessage.decode(WorkerMessage.request(request).encode()) == .request(request))
    }

    /// A PARTIAL of prompt entries: no tokens, no text, the entries last.
    @Test func promptEntriesEndThePartial() throws {
        let partial = Partial(
            requestId: "ab", completionTokens: 0, tokens: [], text: "",
            promptLogprobs: [TokenLogprob(bytes: [0x61], logprob: 0), TokenLogprob(bytes: [0x62], logprob: -2, top: [.init(bytes: [0x63], logprob: -0.5)])])
        let header = WorkerMessage.partial(partial).encode()[2]
        #expect(header == [
            2, 0x61, 0x62, 0, 0, 0, 0,  // request_id, completion_tokens, tokens, text, logprobs
            2,  // two prompt entries
            1, 0x61, 0x00, 0x00, 0x00, 0x00, 0,  // "a", 0, no top (the first has none)
            1, 0x62, 0x00, 0x00, 0x00, 0xC0, 1, 1, 0x63, 0x00, 0x00, 0x00, 0xBF,  // "b", -2, top "c" -0.5
        ])
        #expect(try ClientMessage.decode(ClientMessage.partial(partial).encode()) == .partial(partial))
        var over = partial
        over.promptLogprobs = Array(repeating: TokenLogprob(bytes: [], logprob: -1), count: 4097)
        #expect(throws: WireError.self) { try WorkerMessage.decode(WorkerMessage.partial(over).encode()) }
    }
}
