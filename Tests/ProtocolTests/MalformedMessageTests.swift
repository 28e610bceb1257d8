import LoomProtocol
import Testing

@Suite struct MalformedMessageTests {
    private let partialFrames = WorkerMessage.partial(Samples.partial).encode()

    @Test func everyPrefixOfEveryHeaderIsTruncation() {
        for (frames, subprotocol) in Samples.encodedFrames() {
            let header = frames[2]
            for length in 0..<header.count {
                var cut = frames
                cut[2] = Array(header.prefix(length))
                #expect {
                    try decode(cut, subprotocol)
                } throws: { error in
                    guard case .truncated = error as? WireError else { return false }
                    return true
                }
            }
        }
    }

    @Test func tooFewFrames() {
        for count in 0..<3 {
            #expect(throws: WireError.tooFewFrames(count: count)) {
                try WorkerMessage.decode(Array(partialFrames.prefix(count)))
            }
        }
    }

    @Test func tooManyFrames() {
        let frames = partialFrames + Array(repeating: [1], count: 17)
        #expect(throws: WireError.tooManyFrames(count: 20, limit: 19)) { try WorkerMessage.decode(frames) }
    }

    @Test func otherVersionIsToldApartFromGarbage() {
        var frames = partialFrames
        frames[0] = Array("LOOMW2".utf8)
        #expect(throws: WireError.unsupportedVersion(found: UInt8(ascii: "2"), supported: UInt8(ascii: "1"))) {
            try WorkerMessage.decode(frames)
        }
    }

    @Test func otherSideOrForeignSignatureIsBad() {
        #expect(throws: WireError.badSignature(found: Array("LOOMW1".utf8))) {
            try ClientMessage.decode(partialFrames)
        }
        var frames = partialFrames
        frames[0] = Array("MDPW02-and-a-long-tail".utf8)
        #expect(throws: WireError.badSignature(found: Array("MDPW02-and-a-lon".utf8))) {
            try WorkerMessage.decode(frames)
        }
    }

    @Test func commandFrameMustBeOneByte() {
        for command: [UInt8] in [[], [3, 3]] {
            var frames = partialFrames
            frames[1] = command
            #expect(throws: WireError.badCommandFrame(length: command.count)) { try WorkerMessage.decode(frames) }
        }
    }

    @Test func unknownCommandOrOneOfTheOtherSide() {
        for raw: UInt8 in [0x00, 0x0B, 0xFF, Command.status.rawValue, Command.statusReply.rawValue] {
            var frames = partialFrames
            frames[1] = [raw]
            #expect(throws: WireError.unknownCommand(raw)) { try WorkerMessage.decode(frames) }
        }
        for command in [Command.ready, .heartbeat, .disconnect] {
            let frames = [Subprotocol.client.signature, [command.rawValue], []]
            #expect(throws: WireError.unknownCommand(command.rawValue)) { try ClientMessage.decode(frames) }
        }
    }

    @Test func bodyFramesOnlyOnRequest() {
        #expect(throws: WireError.unexpectedBodyFrames(command: .partial, count: 2)) {
            try WorkerMessage.decode(partialFrames + [[1], [2]])
        }
    }

    @Test func sizeLimitsOnHeaderAndBodies() {
        var limits = WireLimits()
        limits.maxHeaderBytes = 8
        #expect(throws: WireError.headerTooLarge(size: partialFrames[2].count, limit: 8)) {
            try WorkerMessage.decode(partialFrames, limits: limits)
        }
        let frames = WorkerMessage.request(Samples.chatRequest(imageBytes: 1000)).encode()
        limits = WireLimits()
        limits.maxBodyBytes = 999
        #expect(throws: WireError.bodyTooLarge(frame: 3, size: 1000, limit: 999)) {
            try WorkerMessage.decode(frames, limits: limits)
        }
        limits = WireLimits()
        limits.maxTotalBodyBytes = 1500
        #expect(throws: WireError.bodiesTooLarge(total: 1501, limit: 1500)) {
            try WorkerMessage.decode(frames, limits: limits)
        }
    }

    @Test func imageCountMustMatchBodyFrames() {
        let frames = ClientMessage.request(Samples.chatRequest(imageBytes: 10)).encode()
        #expect(throws: WireError.imageCountMismatch(declared: 2, frames: 1)) {
            try ClientMessage.decode(Array(frames.dropLast()))
        }
        #expect(throws: WireError.imageCountMismatch(declared: 2, frames: 3)) {
            try ClientMessage.decode(frames + [[0xFF, 0xD8]])
        }
    }

    @Test func imagePartMustIndexABodyFrame() {
        var request = Samples.chatRequest(imageBytes: 10)
        request.prompt = .chat([ChatMessage(role: .user, parts: [.image(5)])])
        #expect(throws: WireError.imageIndexOutOfRange(index: 5, imageCount: 2)) {
            try ClientMessage.decode(ClientMessage.request(request).encode())
        }
    }

    @Test func absurdLengthInsideAMessage() {
        var header = WireWriter()
        header.writeUInt(1 << 60)
        let frames = [Subprotocol.worker.signature, [Command.partial.rawValue], header.bytes]
        #expect(throws: WireError.overLimit(field: "request_id", value: 1 << 60, limit: 256)) {
            try WorkerMessage.decode(frames)
        }
    }

    @Test func invalidUTF8InsideAMessage() {
        var withoutLogprobs = Samples.partial
        withoutLogprobs.logprobs = []
        var frames = WorkerMessage.partial(withoutLogprobs).encode()
        // The text, then the empty lists of log-probabilities and prompt log-probabilities.
        let textStart = frames[2].count - 2 - "héllo 🌍".utf8.count
        frames[2][textStart + 1] = 0xFF
        #expect(throws: WireError.invalidUTF8(field: "text", offset: textStart - 1)) { try WorkerMessage.decode(frames) }
    }

    @Test func unknownEnumValues() {
        var final = WorkerMessage.final(Samples.final).encode()
        final[2][1 + Samples.final.requestId.utf8.count] = 9
        #expect(throws: WireError.unknownEnumValue(field: "finish_reason", value: 9)) { try WorkerMessage.decode(final) }
        var error = ClientMessage.error(Samples.error).encode()
        error[2][1 + Samples.error.requestId.utf8.count] = 11
        #expect(throws: WireError.unknownEnumValue(field: "code", value: 11)) { try ClientMessage.decode(error) }
    }

    @Test func trailingBytesAfterAHeader() {
        var frames = partialFrames
        frames[2].append(0)
        #expect(throws: WireError.trailingBytes(count: 1, offset: frames[2].count - 1)) {
            try WorkerMessage.decode(frames)
        }
        #expect(throws: WireError.trailingBytes(count: 1, offset: 0)) {
            try ClientMessage.decode([Subprotocol.client.signature, [Command.status.rawValue], [0]])
        }
    }
}
