/// A message handed to an `Outbox` for the socket thread to send.
public struct OutgoingMessage: Sendable, Equatable {
    /// Index of the socket to send on, in the handler's `sockets`.
    public var socket: Int
    /// The frames (ROUTER: the peer's routing id first).
    public var frames: [[UInt8]]

    public init(socket: Int, frames: [[UInt8]]) {
        self.socket = socket
        self.frames = frames
    }
}
