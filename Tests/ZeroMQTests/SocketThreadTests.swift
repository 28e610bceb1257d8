import CZeroMQ
import Foundation
import Testing
import ZeroMQ

@Suite struct SocketThreadTests {
    /// A socket thread whose handler holds one ROUTER (index 0) bound on loopback.
    private func startRouterThread(
        _ recording: Recording, mandatory: Bool = false, tickInterval: Duration = .seconds(1)
    ) throws -> SocketThread {
        try SocketThread.start(name: "test-router", tickInterval: tickInterval) { context in
            let router = try Socket(context, type: .router)
            try router.set(.routerMandatory(mandatory))
            try router.bind("tcp://127.0.0.1:*")
            return try RecordingHandler(sockets: [router], context: context, recording: recording)
        }
    }

    /// A DEALER with `id`, connected to `endpoint`, that has said hello (so the ROUTER knows it).
    private func connectedDealer(id: String, to endpoint: String, recording: Recording) throws -> Socket {
        let dealer = try Socket(try Context(), type: .dealer)
        try dealer.set(.routingID(bytes(id)))
        try dealer.connect(endpoint)
        try dealer.send([bytes("hello")])
        let hello = try #require(recording.received.next())
        #expect(hello.socket == 0)
        #expect(hello.frames == [bytes(id), bytes("hello")])
        return dealer
    }

    @Test func messagesQueuedFromAnotherThreadAreSent() throws {
        let recording = Recording()
        let socketThread = try startRouterThread(recording)
        #expect(socketThread.endpoints.count == 1)
        #expect(socketThread.endpoints.first?.hasPrefix("tcp://127.0.0.1:") == true)
        let dealer = try connectedDealer(id: "w1", to: socketThread.endpoints[0], recording: recording)

        let outbox = socketThread.outbox
        let queued = Inbox<Bool>()
        Thread { queued.put(outbox.send([bytes("w1"), bytes("from another thread")], on: 0)) }.start()
        #expect(queued.next() == true)
        #expect(try dealer.receive(timeout: patience) == [bytes("from another thread")])
        #expect(socketThread.stop() == nil)
        #expect(!socketThread.isRunning)
    }

    @Test func ticksRunOnSchedule() throws {
        let recording = Recording()
        let socketThread = try startRouterThread(recording, tickInterval: .milliseconds(10))
        for _ in 0..<3 {
            #expect(recording.ticks.next() != nil)
        }
        socketThread.stop()
    }

    @Test func unsendableMessagesAreReportedAsDropped() throws {
        let recording = Recording()
        let socketThread = try startRouterThread(recording, mandatory: true)
        #expect(socketThread.outbox.send([bytes("nobody"), bytes("payload")], on: 0))
        #expect(socketThread.outbox.send([bytes("payload")], on: 7))

        let unknownPeer = try #require(recording.dropped.next())
        #expect(unknownPeer.message == OutgoingMessage(socket: 0, frames: [bytes("nobody"), bytes("payload")]))
        #expect(unknownPeer.error.code == EHOSTUNREACH)
        let badIndex = try #require(recording.dropped.next())
        #expect(badIndex.message.socket == 7)
        #expect(badIndex.error.code == EINVAL)
        socketThread.stop()
    }

    @Test func aFailedSetupIsThrownByStart() {
        let error = #expect(throws: ZMQError.self) {
            try SocketThread.start(name: "bad-bind") { context in
                let router = try Socket(context, type: .router)
                try router.bind("tcp://127.0.0.1:notaport")
                return try RecordingHandler(sockets: [router], context: context, recording: Recording())
            }
        }
        #expect(error?.code == EINVAL)
    }

    @Test func aHandlerErrorEndsTheLoopAndIsReported() throws {
        let recording = Recording()
        let socketThread = try startRouterThread(recording)
        let dealer = try connectedDealer(id: "w1", to: socketThread.endpoints[0], recording: recording)
        try dealer.send([bytes("fail")])
        #expect(recording.received.next()?.frames.last == bytes("fail"))

        let deadline = ContinuousClock.now + patience
        while socketThread.isRunning && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(!socketThread.isRunning)
        #expect(!socketThread.outbox.send([bytes("w1"), bytes("too late")], on: 0))
        let error = socketThread.stop()
        #expect(error as? RecordingHandler.Failure == RecordingHandler.Failure())
    }

    @Test func aGoodbyeQueuedJustBeforeStopIsDelivered() throws {
        let context = try Context()
        let router = try Socket(context, type: .router)
        let endpoint = try router.bind("tcp://127.0.0.1:*")
        let socketThread = try SocketThread.start(name: "test-dealer") { context in
            let dealer = try Socket(context, type: .dealer)
            try dealer.set(.linger(.seconds(2)))
            try dealer.connect(endpoint)
            return try RecordingHandler(sockets: [dealer], context: context, recording: Recording())
        }
        #expect(socketThread.outbox.send([bytes("goodbye")], on: 0))
        #expect(socketThread.stop() == nil)
        #expect(try router.receive(timeout: patience)?.last == bytes("goodbye"))
    }

    @Test func stopWithMessagesQueuedForAnAbsentPeerReturns() throws {
        let endpoint = try unusedTCPEndpoint()
        let socketThread = try SocketThread.start(name: "test-dealer") { context in
            let dealer = try Socket(context, type: .dealer)
            try dealer.connect(endpoint)
            return try RecordingHandler(sockets: [dealer], context: context, recording: Recording())
        }
        for index in 0..<1000 {
            #expect(socketThread.outbox.send([bytes("queued \(index)")], on: 0))
        }
        let started = ContinuousClock.now
        #expect(socketThread.stop() == nil)
        let elapsed = ContinuousClock.now - started
        print("stop with 1000 undeliverable messages took \(elapsed)")
        #expect(elapsed < patience)
    }

    @Test func stopInterruptsAHandlerStuckInABlockingCall() throws {
        let recording = Recording()
        let socketThread = try startRouterThread(recording)
        let dealer = try connectedDealer(id: "w1", to: socketThread.endpoints[0], recording: recording)
        try dealer.send([bytes("block")])
        #expect(recording.received.next()?.frames.last == bytes("block"))

        let started = ContinuousClock.now
        #expect(socketThread.stop(grace: .milliseconds(100)) == nil)
        let elapsed = ContinuousClock.now - started
        print("stop of a blocked handler took \(elapsed)")
        #expect(elapsed < patience)
    }

    @Test func closingSocketsWithQueuedMessagesDoesNotHang() throws {
        let started = ContinuousClock.now
        do {
            let context = try Context()
            let dealer = try Socket(context, type: .dealer)
            try dealer.connect(try unusedTCPEndpoint())
            for index in 0..<100 {
                #expect(try dealer.send([bytes("queued \(index)")], blocking: false))
            }
        }  // socket closed, then context terminated, on leaving this scope
        let elapsed = ContinuousClock.now - started
        print("closing a socket with 100 undeliverable messages took \(elapsed)")
        #expect(elapsed < patience)
    }
}
