import CZeroMQ

/// A failed libzmq (or eventfd) call: the errno it left, libzmq's text for it and the call's name.
///
/// Compare `code` with the C constants (`EHOSTUNREACH`, `EINVAL`, ...). A terminated context is
/// singled out by `isContextTerminated`, so loops can tell "time to exit" from a real failure.
public struct ZMQError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The errno value (libzmq's own codes such as `ETERM` included).
    public let code: Int32
    /// The call that failed, e.g. `zmq_bind(tcp://nowhere:1)`.
    public let call: String
    /// A readable explanation, from `zmq_strerror` unless the failure was detected here.
    public let message: String

    /// An error for `code` as libzmq describes it.
    public init(code: Int32, call: String) {
        self.init(code: code, call: call, message: String(cString: zmq_strerror(code)))
    }

    /// An error detected by this wrapper rather than by libzmq, with its own explanation.
    public init(code: Int32, call: String, message: String) {
        self.code = code
        self.call = call
        self.message = message
    }

    /// The context was shut down or terminated: the socket is unusable and its loop should end.
    public var isContextTerminated: Bool { code == ETERM }

    /// The call would have blocked (high-water mark reached, timeout elapsed).
    public var isWouldBlock: Bool { code == EAGAIN }

    public var description: String { "\(call): \(message) (errno \(code))" }
}
