import CZeroMQ

/// Answers ZAP requests (ZeroMQ RFC 27) by a list of trusted CURVE client keys.
///
/// libzmq asks a ZAP handler about every new connection to a CURVE server socket, when one is
/// bound at `ZAPAuthenticator.endpoint` in the same context. The handler is a `.rep` socket bound
/// there by whoever owns the server socket, before clients connect; on each request it sends back
/// `reply(to:)`. This type is only the decision and the frame layout, so it needs no thread.
public struct ZAPAuthenticator: Sendable {
    /// Where libzmq looks for the ZAP handler.
    public static let endpoint = "inproc://zeromq.zap.01"

    /// The Z85 public keys of the clients let in.
    public var allowedPublicKeys: Set<String>

    public init(allowedPublicKeys: Set<String>) {
        self.allowedPublicKeys = allowedPublicKeys
    }

    /// The reply frames for one request, as received on the `.rep` socket: `200` for a CURVE
    /// client whose key is listed (its Z85 key becomes the connection's user id), `400` for any
    /// other client, `500` for a request that is not ZAP 1.0.
    public func reply(to request: [[UInt8]]) -> [[UInt8]] {
        // version, request id, domain, address, routing id, mechanism, credentials...
        guard request.count >= 6, request[0] == Self.version else {
            let requestID = request.count > 1 ? request[1] : []
            return Self.reply(requestID: requestID, status: "500", text: "Not a ZAP 1.0 request")
        }
        let requestID = request[1]
        guard request[5] == Array("CURVE".utf8), request.count == 7, let key = Self.z85(request[6]) else {
            return Self.reply(requestID: requestID, status: "400", text: "CURVE required")
        }
        guard allowedPublicKeys.contains(key) else {
            return Self.reply(requestID: requestID, status: "400", text: "Unknown client key")
        }
        return Self.reply(requestID: requestID, status: "200", text: "OK", userID: key)
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
