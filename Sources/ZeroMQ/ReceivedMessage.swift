/// A multipart message as `Socket.receiveMessage` returns it: its frames and where it came from.
public struct ReceivedMessage: Sendable, Equatable {
    /// The frames (ROUTER: the peer's routing id first).
    public var frames: [[UInt8]]
    /// The file descriptor of the TCP (or IPC) connection the message arrived on, as libzmq
    /// records it (`ZMQ_SRCFD`); `nil` for `inproc://` peers. A socket monitor's `accepted` and
    /// `disconnected` events name connections by the same number.
    public var sourceDescriptor: Int32?

    public init(frames: [[UInt8]], sourceDescriptor: Int32?) {
        self.frames = frames
        self.sourceDescriptor = sourceDescriptor
    }
}
