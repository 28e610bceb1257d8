import Testing
import ZeroMQ

@Suite struct CurveTests {
    @Test func keyPairsAreZ85AndThePublicKeyDerivesFromTheSecret() throws {
        let pair = try CurveKeyPair()
        #expect(pair.publicKey.utf8.count == 40)
        #expect(pair.secretKey.utf8.count == 40)
        #expect(try CurveKeyPair(secretKey: pair.secretKey) == pair)
        #expect(try CurveKeyPair() != pair)
        #expect(throws: ZMQError.self) { try CurveKeyPair(secretKey: "short") }
    }

    @Test func onlyAClientWithTheServersKeyGetsThrough() throws {
        let serverKeys = try CurveKeyPair()
        let context = try Context()
        let router = try Socket(context, type: .router)
        try router.set(.curveServer(true))
        try router.set(.curveSecretKey(serverKeys.secretKey))
        let endpoint = try router.bind("tcp://127.0.0.1:*")

        let impostor = try client(of: endpoint, serverKey: try CurveKeyPair().publicKey, context: context)
        try impostor.send([bytes("let me in")])
        #expect(try router.receive(timeout: shortWait) == nil)

        let trusted = try client(of: endpoint, serverKey: serverKeys.publicKey, context: context)
        try trusted.send([bytes("hello")])
        let received = try #require(try router.receive(timeout: patience))
        #expect(received.last == bytes("hello"))
        #expect(try router.receive(timeout: shortWait) == nil)
    }

    private func client(of endpoint: String, serverKey: String, context: Context) throws -> Socket {
        let keys = try CurveKeyPair()
        let dealer = try Socket(context, type: .dealer)
        try dealer.set(.curveServerKey(serverKey))
        try dealer.set(.curvePublicKey(keys.publicKey))
        try dealer.set(.curveSecretKey(keys.secretKey))
        try dealer.connect(endpoint)
        return dealer
    }
}
