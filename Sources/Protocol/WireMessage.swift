/// What both sub-protocols' messages offer, so code can be written once for either side.
public protocol WireMessage: Sendable, Equatable {
    static var subprotocol: Subprotocol { get }
    /// Frames: signature, command, header, then body frames. The routing-id frame is not included.
    func encode() -> [[UInt8]]
    /// Decodes the frames after the routing id; throws rather than trusting anything.
    static func decode(_ frames: [[UInt8]], limits: WireLimits) throws(WireError) -> Self
}

extension WorkerMessage: WireMessage {
    public static var subprotocol: Subprotocol { .worker }
}

extension ClientMessage: WireMessage {
    public static var subprotocol: Subprotocol { .client }
}

extension WireMessage {
    func frames(_ command: Command, _ writeHeader: (inout WireWriter) -> Void, bodies: [[UInt8]] = []) -> [[UInt8]] {
        Frames.encode(Self.subprotocol, command, writeHeader, bodies: bodies)
    }
}
