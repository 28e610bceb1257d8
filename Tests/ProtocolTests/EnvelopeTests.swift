import LoomProtocol
import Testing

@Suite struct EnvelopeTests {
    @Test func readsCommandAndRequestIdOnly() throws {
        let envelope = try Envelope(WorkerMessage.partial(Samples.partial).encode(), from: .worker)
        #expect(envelope.command == .partial)
        #expect(envelope.requestId == "req-7")
        let heartbeat = try Envelope(WorkerMessage.heartbeat(Samples.load).encode(), from: .worker)
        #expect(heartbeat.command == .heartbeat)
        #expect(heartbeat.requestId == nil)
    }

    @Test func leavesTheRestOfTheHeaderUnread() throws {
        var frames = WorkerMessage.partial(Samples.partial).encode()
        frames[2].append(0xFF)
        let envelope = try Envelope(frames, from: .worker)
        #expect(envelope.requestId == "req-7")
    }

    @Test func stillChecksFramesAndTheRequestId() {
        #expect(throws: WireError.badSignature(found: Array("LOOMW1".utf8))) {
            try Envelope(WorkerMessage.partial(Samples.partial).encode(), from: .client)
        }
        let frames = [Subprotocol.worker.signature, [Command.final.rawValue], [3, 0x61]]
        #expect(throws: WireError.truncated(field: "request_id", offset: 0)) { try Envelope(frames, from: .worker) }
    }

    @Test func forwardsAPartialToTheClientWithTheClientsId() throws {
        let forwarded = try Envelope(WorkerMessage.partial(Samples.partial).encode(), from: .worker)
            .forwarded(to: .client, requestId: "client-request-1")
        var expected = Samples.partial
        expected.requestId = "client-request-1"
        #expect(try ClientMessage.decode(forwarded) == .partial(expected))
    }

    @Test func forwardsTheHeaderFrameAsItIsWhenTheIdsAgree() throws {
        let frames = WorkerMessage.final(Samples.final).encode()
        for newId in [nil, Samples.final.requestId] {
            let forwarded = try Envelope(frames, from: .worker).forwarded(to: .client, requestId: newId)
            #expect(forwarded[0] == Subprotocol.client.signature)
            #expect(Array(forwarded.dropFirst()) == Array(frames.dropFirst()))
        }
    }

    @Test func forwardsARequestWithItsImagesToAWorker() throws {
        let request = Samples.chatRequest(id: "", imageBytes: 4096)
        let envelope = try Envelope(ClientMessage.request(request).encode(), from: .client)
        #expect(envelope.requestId == "")
        var expected = request
        expected.id = "ctl-000042"
        #expect(try WorkerMessage.decode(envelope.forwarded(to: .worker, requestId: "ctl-000042")) == .request(expected))
    }

    @Test func refusesCommandsTheTargetDoesNotDefine() throws {
        let envelope = try Envelope(WorkerMessage.heartbeat(nil).encode(), from: .worker)
        #expect(throws: WireError.unknownCommand(Command.heartbeat.rawValue)) { try envelope.forwarded(to: .client) }
    }
}
