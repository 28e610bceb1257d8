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

        let wrongServerKey = try CurveKeyPair().publicKey
        let impostor = try curveClient(
            of: endpoint, serverKey: wrongServerKey, keys: try CurveKeyPair(), context: context)
        try impostor.send([bytes("let me in")])
        #expect(try router.receive(timeout: shortWait) == nil)

        let trusted = try curveClient(
            of: endpoint, serverKey: serverKeys.publicKey, keys: try CurveKeyPair(), context: context)
        try trusted.send([bytes("hello")])
        let received = try #require(try router.receive(timeout: patience))
        #expect(received.last == bytes("hello"))
        #expect(try router.receive(timeout: shortWait) == nil)
    }
}
