import CZeroMQ

/// A CURVE long-term key pair, both keys as 40-character Z85 text (the form socket options and
/// configuration files use).
public struct CurveKeyPair: Sendable, Equatable {
    public let publicKey: String
    public let secretKey: String

    /// A fresh random key pair (`zmq_curve_keypair`).
    public init() throws(ZMQError) {
        var publicKey = [CChar](repeating: 0, count: Self.z85Capacity)
        var secretKey = [CChar](repeating: 0, count: Self.z85Capacity)
        try ZMQCall.checked("zmq_curve_keypair") { zmq_curve_keypair(&publicKey, &secretKey) }
        self.publicKey = Self.string(publicKey)
        self.secretKey = Self.string(secretKey)
    }

    /// The pair whose secret key is `secretKey`, deriving the public key (`zmq_curve_public`).
    /// - Throws: `EINVAL` if `secretKey` is not 40 characters of valid Z85.
    public init(secretKey: String) throws(ZMQError) {
        guard secretKey.utf8.count == Self.z85Capacity - 1 else {
            throw ZMQError(code: EINVAL, call: "zmq_curve_public", message: "a Z85 CURVE key has 40 characters")
        }
        var publicKey = [CChar](repeating: 0, count: Self.z85Capacity)
        try ZMQCall.checked("zmq_curve_public") { zmq_curve_public(&publicKey, secretKey) }
        self.publicKey = Self.string(publicKey)
        self.secretKey = secretKey
    }

    /// 40 Z85 characters and the terminating NUL.
    private static let z85Capacity = 41

    private static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
