import CZeroMQ

/// One event a socket monitor reports (`Socket.monitor(_:events:)`): what happened to one of the
/// monitored socket's connections, read off a PAIR socket connected to the monitor's endpoint.
public struct SocketEvent: Sendable, Equatable {
    /// The events this project watches; a set of them chooses what a monitor reports.
    public struct Kind: OptionSet, Sendable, Hashable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }

        /// A listening socket accepted a connection; the value is its file descriptor (ZMQ_EVENT_ACCEPTED).
        public static let accepted = Kind(rawValue: UInt16(ZMQ_EVENT_ACCEPTED))
        /// A connection closed, by the peer or by an error; the value is the file descriptor it had
        /// (ZMQ_EVENT_DISCONNECTED).
        public static let disconnected = Kind(rawValue: UInt16(ZMQ_EVENT_DISCONNECTED))
    }

    /// The event (one kind; any event libzmq sends, including those without a name here).
    public let kind: Kind
    /// The event's value: a file descriptor for `accepted` and `disconnected`.
    public let value: UInt32
    /// The endpoint of the connection or listener.
    public let endpoint: String

    public init(kind: Kind, value: UInt32, endpoint: String) {
        self.kind = kind
        self.value = value
        self.endpoint = endpoint
    }

    /// Parses a monitor's message: a 6-byte frame (event number as `uint16`, value as `uint32`, in
    /// the host's byte order), then the endpoint. `nil` for anything else.
    public init?(frames: [[UInt8]]) {
        guard frames.count == 2, frames[0].count == 6 else { return nil }
        let head = frames[0]
        kind = Kind(rawValue: head.withUnsafeBytes { $0.loadUnaligned(as: UInt16.self) })
        value = head.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 2, as: UInt32.self) }
        endpoint = String(decoding: frames[1], as: UTF8.self)
    }

    /// `value` as the file descriptor it is for `accepted` and `disconnected`.
    public var fileDescriptor: Int32 { Int32(bitPattern: value) }
}
