import CZeroMQ
import Testing
import ZeroMQ

@Suite struct RouterOptionsTests {
    @Test func routerMandatoryRefusesAnUnknownPeer() throws {
        let context = try Context()
        let router = try Socket(context, type: .router)
        try router.set(.routerMandatory(true))
        try router.bind("inproc://mandatory")
        let error = #expect(throws: ZMQError.self) {
            try router.send([bytes("nobody"), bytes("payload")], blocking: false)
        }
        #expect(error?.code == EHOSTUNREACH)
    }

    @Test(arguments: [true, false])
    func aReconnectingPeerTakesOverItsRoutingIDOnlyWithHandover(handover: Bool) throws {
        let context = try Context()
        let router = try Socket(context, type: .router)
        try router.set(.routerHandover(handover))
        try router.bind("inproc://handover")

        func connectPeer(saying greeting: String) throws -> Socket {
            let dealer = try Socket(context, type: .dealer)
            try dealer.set(.routingID(bytes("worker-1")))
            try dealer.connect("inproc://handover")
            try dealer.send([bytes(greeting)])
            return dealer
        }
        let old = try connectPeer(saying: "old")
        #expect(try router.receive(timeout: patience) == [bytes("worker-1"), bytes("old")])
        let new = try connectPeer(saying: "new")
        let second = try router.receive(timeout: handover ? patience : shortWait)
        #expect(second == (handover ? [bytes("worker-1"), bytes("new")] : nil))

        try router.send([bytes("worker-1"), bytes("reply")])
        let replyReceiver = handover ? new : old
        #expect(try replyReceiver.receive(timeout: patience) == [bytes("reply")])
    }

    @Test func anOversizedFrameIsDroppedAndTheSenderCutOff() throws {
        let context = try Context()
        let router = try Socket(context, type: .router)
        try router.set(.maxMessageSize(bytes: 1024))
        let endpoint = try router.bind("tcp://127.0.0.1:*")
        let dealer = try Socket(context, type: .dealer)
        try dealer.set(.reconnectInterval(.milliseconds(20)))
        try dealer.connect(endpoint)

        try dealer.send([[UInt8](repeating: 1, count: 2048)])
        #expect(try router.receive(timeout: shortWait) == nil)

        // The connection is rebuilt after libzmq dropped it; small messages then get through.
        var received: [[UInt8]]?
        for _ in 0..<50 where received == nil {
            try dealer.send([bytes("small")], blocking: false)
            received = try router.receive(timeout: .milliseconds(100))
        }
        #expect(received?.last == bytes("small"))
    }
}
