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

    /// The entries follow `logprobs`: a count, then token and bias for each. After them come the
    /// grammar (absent: 0), the tools (none: 0) and the tool choice (auto: 0).
    @Test func entriesFollowLogprobs() {
        let plain = WorkerMessage.request(request([])).encode()[2]
        let biased = WorkerMessage.request(request([LogitBias(token: 300, bias: -2)])).encode()[2]
        #expect(plain.suffix(4) == [0, 0, 0, 0])
        #expect(Array(biased.prefix(plain.count - 4)) == Array(plain.dropLast(4)))
        #expect(Array(biased.suffix(biased.count - plain.count + 4)) == [1, 0xAC, 0x02, 0x00, 0x00, 0x00, 0xC0, 0, 0, 0])
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
