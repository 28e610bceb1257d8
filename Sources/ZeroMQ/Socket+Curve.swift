extension Socket {
    /// Makes this socket the CURVE server of its connections, with `secretKey` (Z85) as its long-term
    /// key; the ZAP handler, if one is bound in this context, is asked about each client under
    /// `zapDomain`. Set before `bind`.
    public func makeCurveServer(secretKey: String, zapDomain: String) throws(ZMQError) {
        try set(.curveServer(true))
        try set(.curveSecretKey(secretKey))
        try set(.zapDomain(zapDomain))
    }

    /// Makes this socket a CURVE client that trusts only a server holding `serverKey`'s secret,
    /// and proves itself with `keys`. Set before `connect`.
    public func makeCurveClient(serverKey: String, keys: CurveKeyPair) throws(ZMQError) {
        try set(.curveServerKey(serverKey))
        try set(.curvePublicKey(keys.publicKey))
        try set(.curveSecretKey(keys.secretKey))
    }
}
