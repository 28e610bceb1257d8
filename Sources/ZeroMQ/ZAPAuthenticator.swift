import CZeroMQ

/// Answers ZAP requests (ZeroMQ RFC 27) by a list of trusted CURVE client keys, or for any CURVE
/// client when there is no list.
///
/// libzmq asks a ZAP handler about every new connection to a CURVE server socket, when one is
/// bound at `ZAPAuthenticator.endpoint` in the same context. The handler is a `.rep` socket bound
/// there by whoever owns the server socket, before clients connect; on each request it sends back
/// `reply(to:)`. This type is only the decision and the frame layout, so it needs no thread.
public struct ZAPAuthenticator: Sendable {
    /// Where libzmq looks for the ZAP handler.
    public static let endpoint = "inproc://zeromq.zap.01"

    /// The Z85 public keys of the clients let in; `nil` lets in every CURVE client (each has
    /// proved it knows the server's public key by completing the handshake).
    public var allowedPublicKeys: Set<String>?

    public init(allowedPublicKeys: Set<String>?) {
        self.allowedPublicKeys = allowedPublicKeys
    }

    /// What was decided about one connection, and about whom (for the log).
    public struct Decision: Sendable, Equatable {
        /// The frames to send back on the `.rep` socket.
        public let reply: [[UInt8]]
        public let accepted: Bool
        /// The ZAP domain of the server socket (`SocketOption.zapDomain`).
        public let domain: String
        /// The client's IP address as libzmq saw it.
        public let address: String
        /// The client's Z85 public key, for a CURVE request.
        public let clientKey: String?
    }

    /// The reply frames for one request, as received on the `.rep` socket: `200` for a CURVE
    /// client whose key is listed (its Z85 key becomes the connection's user id), `400` for any
    /// other client, `500` for a request that is not ZAP 1.0.
    public func reply(to request: [[UInt8]]) -> [[UInt8]] {
        decide(request).reply
    }

    /// The decision on one request, with the reply frames.
    public func decide(_ request: [[UInt8]]) -> Decision {
        // version, request id, domain, address, routing id, mechanism, credentials...
        guard request.count >= 6, request[0] == Self.version else {
            let requestID = request.count > 1 ? request[1] : []
            let reply = Self.reply(requestID: requestID, status: "500", text: "Not a ZAP 1.0 request")
            return Decision(reply: reply, accepted: false, domain: "", address: "", clientKey: nil)
        }
        let requestID = request[1]
        let domain = String(decoding: request[2], as: UTF8.self)
        let address = String(decoding: request[3], as: UTF8.self)
        func refuse(_ text: String, key: String? = nil) -> Decision {
            Decision(reply: Self.reply(requestID: requestID, status: "400", text: text), accepted: false,
                     domain: domain, address: address, clientKey: key)
        }
        guard request[5] == Array("CURVE".utf8), request.count == 7, let key = Self.z85(request[6]) else {
            return refuse("CURVE required")
        }
        guard allowedPublicKeys?.contains(key) ?? true else {
            return refuse("Unknown client key", key: key)
        }
        let reply = Self.reply(requestID: requestID, status: "200", text: "OK", userID: key)
        return Decision(reply: reply, accepted: true, domain: domain, address: address, clientKey: key)
    }

    private static let version = Array("1.0".utf8)

    private static func reply(requestID: [UInt8], status: String, text: String, userID: String = "") -> [[UInt8]] {
        // version, request id, status code, status text, user id, metadata
        [version, requestID, Array(status.utf8), Array(text.utf8), Array(userID.utf8), []]
    }

    /// Z85 text of a 32-byte binary CURVE key, or `nil` for anything else.
    private static func z85(_ key: [UInt8]) -> String? {
        guard key.count == 32 else { return nil }
        var text = [CChar](repeating: 0, count: 41)
        guard zmq_z85_encode(&text, key, key.count) != nil else { return nil }
        return String(decoding: text.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
