import CZeroMQ

/// Readiness asked of, or reported by, `PollSet` and `Socket.events`.
public struct PollEvents: OptionSet, Sendable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    /// A message can be received (for a socket) or the descriptor is readable.
    public static let readable = PollEvents(rawValue: Int16(ZMQ_POLLIN))
    /// A message can be sent without blocking, or the descriptor is writable.
    public static let writable = PollEvents(rawValue: Int16(ZMQ_POLLOUT))
    /// An error condition on a raw descriptor (never reported for sockets).
    public static let error = PollEvents(rawValue: Int16(ZMQ_POLLERR))
}
