import CZeroMQ
import Testing
import ZeroMQ

@Suite struct ZAPAuthenticatorTests {
    @Test func onlyListedClientKeysAreLetIn() throws {
        let serverKeys = try CurveKeyPair()
        let trustedKeys = try CurveKeyPair()
        let context = try Context()
        let zap = try Socket(context, type: .rep)
        try zap.bind(ZAPAuthenticator.endpoint)
        let authenticator = ZAPAuthenticator(allowedPublicKeys: [trustedKeys.publicKey])

        let router = try Socket(context, type: .router)
        try router.set(.curveServer(true))
        try router.set(.curveSecretKey(serverKeys.secretKey))
        try router.set(.zapDomain("workers"))
        let endpoint = try router.bind("tcp://127.0.0.1:*")

        var clients: [Socket] = []  // kept open until the end of the test
        for (keys, name) in [(try CurveKeyPair(), "stranger"), (trustedKeys, "trusted")] {
            let dealer = try curveClient(of: endpoint, serverKey: serverKeys.publicKey, keys: keys, context: context)
            try dealer.send([bytes("from \(name)")])
            clients.append(dealer)
        }

        // Answer ZAP requests (a refused client may ask again) until the router hears something.
        var statuses: Set<[UInt8]> = []
        var received: [[[UInt8]]] = []
        var pollSet = PollSet()
        let zapIndex = try pollSet.add(zap)
        let routerIndex = try pollSet.add(router)
        for _ in 0..<50 where received.isEmpty || statuses.count < 2 {
            try pollSet.poll(timeout: .milliseconds(100))
            if pollSet.events(at: zapIndex).contains(.readable), let request = try zap.receive(blocking: false) {
                #expect(request[2] == bytes("workers"))
                let reply = authenticator.reply(to: request)
                statuses.insert(reply[2])
                try zap.send(reply)
            }
            if pollSet.events(at: routerIndex).contains(.readable), let message = try router.receive(blocking: false) {
                received.append(message)
            }
        }
        #expect(statuses == [bytes("200"), bytes("400")])
        #expect(received.map(\.last) == [bytes("from trusted")])
        #expect(try router.receive(timeout: shortWait) == nil)
    }

    @Test func withoutAListAnyCurveClientIsLetInAndTheDecisionNamesIt() throws {
        let key = try CurveKeyPair().publicKey
        var binary = [UInt8](repeating: 0, count: 32)
        #expect(zmq_z85_decode(&binary, key) != nil)
        let request = [bytes("1.0"), bytes("9"), bytes("loom-workers"), bytes("10.0.0.7"), [], bytes("CURVE"), binary]
        let open = ZAPAuthenticator(allowedPublicKeys: nil).decide(request)
        #expect(open.accepted && open.reply[2] == bytes("200") && open.reply[4] == bytes(key))
        #expect(open.domain == "loom-workers" && open.address == "10.0.0.7" && open.clientKey == key)
        let listed = ZAPAuthenticator(allowedPublicKeys: ["someone else"]).decide(request)
        #expect(!listed.accepted && listed.reply[2] == bytes("400") && listed.clientKey == key)
        let plain = [bytes("1.0"), bytes("9"), [], bytes("10.0.0.7"), [], bytes("NULL")]
        #expect(!ZAPAuthenticator(allowedPublicKeys: nil).decide(plain).accepted)
    }

    @Test func aMalformedRequestGetsAnErrorReply() {
        let authenticator = ZAPAuthenticator(allowedPublicKeys: [])
        #expect(authenticator.reply(to: [bytes("0.9"), bytes("7")])[2] == bytes("500"))
        #expect(authenticator.reply(to: [])[1] == [])
        let plain = [bytes("1.0"), bytes("7"), [], bytes("127.0.0.1"), [], bytes("PLAIN"), bytes("user"), bytes("pw")]
        #expect(authenticator.reply(to: plain)[1...2] == [bytes("7"), bytes("400")])
    }
}
