/// Who a request came from: a ZeroMQ client's routing id, or the HTTP front door.
public struct ClientAddress: Sendable, Hashable {
    /// The routing id on the clients' ROUTER; empty for the HTTP front door (ZeroMQ never gives a
    /// peer an empty id, so the two cannot be confused).
    public let routingId: [UInt8]

    public init(routingId: [UInt8]) {
        self.routingId = routingId
    }

    public static let http = ClientAddress(routingId: [])

    public var isHTTP: Bool { routingId.isEmpty }
}

/// A request as its client names it: ids are unique per client only (docs/protocol.md, section 6).
struct ClientRequestKey: Hashable {
    let client: ClientAddress
    let requestId: String
}
