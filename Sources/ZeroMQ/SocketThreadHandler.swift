/// The code a `SocketThread` runs: made on that thread by the factory given to
/// `SocketThread.start`, it owns the sockets and whatever state goes with them, and is only ever
/// called on that thread. It knows its protocol; the thread knows only frames.
///
/// Throwing from any method ends the loop (the error is what `SocketThread.stop` returns):
/// catch what you can survive, such as a malformed message from one peer. Sends made here
/// should use `blocking: false`, so the loop can never wait on a slow peer. (`SendableMetatype`
/// lets the handler's type, not its instances, cross to the new thread.)
public protocol SocketThreadHandler: AnyObject, SendableMetatype {
    /// The sockets to poll, in a fixed order; read once, when the loop starts. Indices into this
    /// array name sockets in `handle(_:from:)` and `OutgoingMessage.socket`. To start over with a
    /// peer (e.g. after missed heartbeats), `disconnect` and `connect` the same socket.
    var sockets: [Socket] { get }

    /// A multipart message arrived on `sockets[socket]`.
    func handle(_ frames: [[UInt8]], from socket: Int) throws

    /// A multipart message arrived on `sockets[socket]` over the connection whose file descriptor
    /// is `sourceDescriptor` (`nil` for `inproc://`); what the loop calls. By default it forwards
    /// to `handle(_:from:)`: implement it to tell a ROUTER's connections apart (with a socket
    /// monitor's events).
    func handle(_ frames: [[UInt8]], from socket: Int, sourceDescriptor: Int32?) throws

    /// Called every tick interval (heartbeats, expiry of silent peers).
    func tick() throws

    /// A message from the outbox was not sent: `EAGAIN` when its socket could not take it without
    /// blocking (high-water mark, no peer), `EHOSTUNREACH` for an unknown ROUTER peer with
    /// `.routerMandatory`, `EINVAL` for a socket index out of range.
    func dropped(_ message: OutgoingMessage, error: ZMQError)
}

extension SocketThreadHandler {
    public func handle(_ frames: [[UInt8]], from socket: Int, sourceDescriptor: Int32?) throws {
        try handle(frames, from: socket)
    }
}
