import Testing
import ZeroMQ

@Suite struct RouterDealerTests {
    @Test(arguments: ["tcp://127.0.0.1:*", "inproc://router-dealer"])
    func multipartRoundTrip(endpoint: String) throws {
        let context = try Context()
        let router = try Socket(context, type: .router)
        let bound = try router.bind(endpoint)
        if endpoint.hasPrefix("tcp") {
            let port = try #require(bound.split(separator: ":").last.flatMap { Int($0) })
            #expect(port > 0)
        } else {
            #expect(bound == endpoint)
        }

        let dealer = try Socket(context, type: .dealer)
        try dealer.set(.routingID(bytes("worker-1")))
        try dealer.connect(bound)
        let image = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        try dealer.send([bytes("hello"), image, []])

        let request = try #require(try router.receive(timeout: patience))
        #expect(request.count == 4)
        #expect(request.first == bytes("worker-1"))
        #expect(Array(request.dropFirst()) == [bytes("hello"), image, []])

        try router.send([bytes("worker-1"), bytes("reply")])
        #expect(try dealer.receive(timeout: patience) == [bytes("reply")])
    }

    @Test func nonBlockingReceiveWithNothingWaitingIsNil() throws {
        let context = try Context()
        let router = try Socket(context, type: .router)
        try router.bind("inproc://empty")
        #expect(try router.receive(blocking: false) == nil)
        #expect(try router.receive(timeout: .milliseconds(20)) == nil)
    }

    @Test func receiveTimeoutOptionEndsABlockingReceive() throws {
        let context = try Context()
        let dealer = try Socket(context, type: .dealer)
        try dealer.set(.receiveTimeout(.milliseconds(50)))
        try dealer.connect(try unusedTCPEndpoint())
        #expect(try dealer.receive() == nil)
    }

    @Test func publishedMessagesReachAMatchingSubscriberOnly() throws {
        let context = try Context()
        let publisher = try Socket(context, type: .pub)
        try publisher.bind("inproc://status")
        let subscriber = try Socket(context, type: .sub)
        try subscriber.set(.subscribe(bytes("load")))
        try subscriber.connect("inproc://status")

        // A subscription reaches the publisher asynchronously: publish until one arrives.
        var received: [[UInt8]]?
        for _ in 0..<100 where received == nil {
            try publisher.send([bytes("other"), bytes("ignored")])
            try publisher.send([bytes("load"), bytes("42")])
            received = try subscriber.receive(timeout: .milliseconds(50))
        }
        #expect(received == [bytes("load"), bytes("42")])
    }
}
