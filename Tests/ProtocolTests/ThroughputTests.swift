import LoomProtocol
import Testing

/// Not a benchmark: prints what encoding and decoding a PARTIAL costs, for information. Only a
/// release build (`swift test -c release --filter ThroughputTests`) gives figures worth quoting.
@Suite struct ThroughputTests {
    @Test func partialEncodeAndDecode() throws {
        let count = 20_000
        let partial = Partial(requestId: "ctl-000042", completionTokens: 17, tokens: [28_705], text: " world")
        let clock = ContinuousClock()
        var frames: [[UInt8]] = []
        let encodeTime = clock.measure {
            for _ in 0..<count { frames = WorkerMessage.partial(partial).encode() }
        }
        var decoded = WorkerMessage.heartbeat(nil)
        let decodeTime = try clock.measure {
            for _ in 0..<count { decoded = try WorkerMessage.decode(frames) }
        }
        var relayed: [[UInt8]] = []
        let relayTime = try clock.measure {
            for _ in 0..<count {
                relayed = try Envelope(frames, from: .worker).forwarded(to: .client, requestId: "client-7")
            }
        }
        #expect(decoded == .partial(partial))
        var expected = partial
        expected.requestId = "client-7"
        #expect(try ClientMessage.decode(relayed) == .partial(expected))
        for (name, time) in [("encode", encodeTime), ("decode", decodeTime), ("relay", relayTime)] {
            let seconds = Double(time.components.seconds) + Double(time.components.attoseconds) * 1e-18
            let perSecond = Int(Double(count) / seconds)
            print("PARTIAL \(name): \(perSecond) messages/s, \(Int(seconds / Double(count) * 1e9)) ns each")
        }
    }
}
