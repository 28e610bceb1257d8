import CZeroMQ
import Testing
import ZeroMQ

@Suite struct ErrorTests {
    @Test func bindingAnInvalidEndpointThrowsATypedError() throws {
        let context = try Context()
        let router = try Socket(context, type: .router)

        let badPort = #expect(throws: ZMQError.self) { try router.bind("tcp://127.0.0.1:notaport") }
        #expect(badPort?.code == EINVAL)
        #expect(badPort?.call == "zmq_bind(tcp://127.0.0.1:notaport)")
        #expect(badPort?.message == "Invalid argument")

        let badHost = #expect(throws: ZMQError.self) { try router.bind("tcp://300.1.1.1:5555") }
        #expect(badHost?.code == ENODEV)

        let badTransport = #expect(throws: ZMQError.self) { try router.bind("carrier-pigeon://loft") }
        #expect(badTransport?.code == EPROTONOSUPPORT)
        #expect(badTransport?.description.contains("carrier-pigeon://loft") == true)
    }

    @Test func aShutDownContextIsReportedAsTerminated() throws {
        let context = try Context()
        let dealer = try Socket(context, type: .dealer)
        context.shutdown()
        let error = #expect(throws: ZMQError.self) { try dealer.receive() }
        #expect(error?.isContextTerminated == true)
        let refused = #expect(throws: ZMQError.self) { try Socket(context, type: .dealer) }
        #expect(refused?.isContextTerminated == true)
    }

    @Test func aClosedSocketRefusesWork() throws {
        let context = try Context()
        let dealer = try Socket(context, type: .dealer)
        dealer.close()
        #expect(!dealer.isOpen)
        let error = #expect(throws: ZMQError.self) { try dealer.send([bytes("late")]) }
        #expect(error?.code == ENOTSOCK)
    }

    @Test func anEmptyMessageIsRefused() throws {
        let context = try Context()
        let dealer = try Socket(context, type: .dealer)
        let error = #expect(throws: ZMQError.self) { try dealer.send([]) }
        #expect(error?.code == EINVAL)
    }

    @Test func aMalformedCurveKeyIsRefused() throws {
        let context = try Context()
        let dealer = try Socket(context, type: .dealer)
        let error = #expect(throws: ZMQError.self) { try dealer.set(.curveServerKey("too short")) }
        #expect(error?.code == EINVAL)
        #expect(error?.call == "zmq_setsockopt(ZMQ_CURVE_SERVERKEY)")
    }
}
