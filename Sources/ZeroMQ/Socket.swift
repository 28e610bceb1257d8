import CZeroMQ

/// One libzmq socket.
///
/// libzmq sockets are not thread safe: a socket lives and dies on the thread that made it. This
/// class is deliberately not `Sendable`, so the compiler keeps it there; other threads hand
/// messages to that thread through an `Outbox`. The socket is closed by `close()` or on `deinit`.
///
/// New sockets have LINGER 0, so closing them and terminating their context never waits for
/// unsent messages; set `.linger` to let a last message (a goodbye) go out.
public final class Socket {
    /// The kind this socket was made as.
    public let type: SocketType
    /// Kept so the context outlives its sockets (its termination waits for them).
    private let context: Context
    private var handle: UnsafeMutableRawPointer?

    /// Creates a socket of `type` in `context`, with LINGER 0.
    public init(_ context: Context, type: SocketType) throws(ZMQError) {
        self.type = type
        self.context = context
        let handle = try ZMQCall.pointer("zmq_socket") { zmq_socket(context.handle, type.zmqValue) }
        self.handle = handle
        try set(.linger(.zero))
    }

    deinit { close() }

    /// Whether `close()` has not been called yet.
    public var isOpen: Bool { handle != nil }

    /// Closes the socket; later calls fail with `ENOTSOCK`. Calling it again does nothing.
    public func close() {
        guard let handle else { return }
        self.handle = nil
        // zmq_close fails only for an invalid handle, which this one is not.
        _ = zmq_close(handle)
    }

    /// Binds to `endpoint` and returns the endpoint actually bound, read back from
    /// ZMQ_LAST_ENDPOINT: `tcp://127.0.0.1:*` comes back with the port the system chose.
    @discardableResult
    public func bind(_ endpoint: String) throws(ZMQError) -> String {
        let handle = try openHandle("zmq_bind")
        try ZMQCall.checked("zmq_bind(\(endpoint))") { zmq_bind(handle, endpoint) }
        return try lastEndpoint
    }

    /// Stops listening on an endpoint given to (or returned by) `bind`.
    public func unbind(_ endpoint: String) throws(ZMQError) {
        let handle = try openHandle("zmq_unbind")
        try ZMQCall.checked("zmq_unbind(\(endpoint))") { zmq_unbind(handle, endpoint) }
    }

    /// Connects to `endpoint`; libzmq completes (and repeats) the connection in the background.
    public func connect(_ endpoint: String) throws(ZMQError) {
        let handle = try openHandle("zmq_connect")
        try ZMQCall.checked("zmq_connect(\(endpoint))") { zmq_connect(handle, endpoint) }
    }

    /// Drops a connection made by `connect`.
    public func disconnect(_ endpoint: String) throws(ZMQError) {
        let handle = try openHandle("zmq_disconnect")
        try ZMQCall.checked("zmq_disconnect(\(endpoint))") { zmq_disconnect(handle, endpoint) }
    }

    /// The libzmq handle, or `ENOTSOCK` once closed.
    func openHandle(_ call: @autoclosure () -> String) throws(ZMQError) -> UnsafeMutableRawPointer {
        guard let handle else {
            throw ZMQError(code: ENOTSOCK, call: call(), message: "the socket is closed")
        }
        return handle
    }
}
