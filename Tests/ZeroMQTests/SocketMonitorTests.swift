import Testing
import ZeroMQ

/// A socket monitor's connection events and the source descriptor of received messages: together
/// they tell which peer a closed connection carried.
@Suite("Socket monitor")
struct SocketMonitorTests {
    /// The next monitor event, waiting up to `patience`.
    static func nextEvent(_ monitor: Socket) throws -> SocketEvent? {
        try monitor.receive(timeout: patience).flatMap(SocketEvent.init(frames:))
    }

    @Test(arguments: [false, true])
    func acceptedAndDisconnectedNameTheDescriptorMessagesCameFrom(curve: Bool) throws {
        let context = try Context()
        let serverKeys = try CurveKeyPair()
        let router = try Socket(context, type: .router)
        if curve { try router.makeCurveServer(secretKey: serverKeys.secretKey, zapDomain: "test") }
        try router.monitor("inproc://router-events", events: [.accepted, .disconnected])
        let monitor = try Socket(context, type: .pair)
        try monitor.connect("inproc://router-events")
        let endpoint = try router.bind("tcp://127.0.0.1:*")

        let dealer = curve
            ? try curveClient(of: endpoint, serverKey: serverKeys.publicKey, keys: try CurveKeyPair(), context: context)
            : try Socket(context, type: .dealer)
        if !curve { try dealer.connect(endpoint) }
        try dealer.send([bytes("hello"), bytes("there")])
        try router.set(.receiveTimeout(patience))
        let message = try #require(try router.receiveMessage())
        #expect(message.frames.dropFirst() == [bytes("hello"), bytes("there")])
        let descriptor = try #require(message.sourceDescriptor)

        let accepted = try #require(try Self.nextEvent(monitor))
        #expect(accepted.kind == .accepted && accepted.fileDescriptor == descriptor)
        #expect(accepted.endpoint == endpoint)
        dealer.close()
        let disconnected = try #require(try Self.nextEvent(monitor))
        #expect(disconnected.kind == .disconnected && disconnected.fileDescriptor == descriptor)
    }

    @Test func anInprocMessageHasNoSourceDescriptor() throws {
        let context = try Context()
        let server = try Socket(context, type: .pair)
        try server.bind("inproc://no-descriptor")
        let client = try Socket(context, type: .pair)
        try client.connect("inproc://no-descriptor")
        try client.send([bytes("x")])
        try server.set(.receiveTimeout(patience))
        let message = try #require(try server.receiveMessage())
        #expect(message == ReceivedMessage(frames: [bytes("x")], sourceDescriptor: nil))
    }

    @Test func framesThatAreNotAnEventAreRefused() {
        #expect(SocketEvent(frames: [[0x20, 0, 5, 0, 0, 0]]) == nil)
        #expect(SocketEvent(frames: [[0x20, 0, 5], bytes("tcp://x:1")]) == nil)
        let event = SocketEvent(frames: [[0x00, 0x02, 9, 0, 0, 0], bytes("tcp://x:1")])
        #expect(event == SocketEvent(kind: .disconnected, value: 9, endpoint: "tcp://x:1"))
    }
}
