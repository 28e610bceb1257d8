import Glibc

/// Why an HTTP exchange failed, with a short `kind` that reports can count by.
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The host name did not resolve.
    case unresolved(host: String, reason: String)
    /// Nothing listens there (`ECONNREFUSED`).
    case refused
    case connectTimedOut
    /// No byte arrived within the read timeout.
    case timedOut
    /// The peer reset the connection.
    case reset
    /// The peer closed the connection before the response was whole.
    case closedEarly
    /// The bytes are not an HTTP/1.1 response.
    case malformed(String)
    /// Any other failed system call.
    case system(call: String, errno: Int32)

    /// For counting failures: `connection_refused`, `timeout`, `connection_reset`, `connection_closed`, ...
    public var kind: String {
        switch self {
        case .unresolved: "unresolved_host"
        case .refused: "connection_refused"
        case .connectTimedOut, .timedOut: "timeout"
        case .reset: "connection_reset"
        case .closedEarly: "connection_closed"
        case .malformed: "bad_response"
        case .system: "io_error"
        }
    }

    public var description: String {
        switch self {
        case .unresolved(let host, let reason): "cannot resolve \(host): \(reason)"
        case .refused: "connection refused"
        case .connectTimedOut: "connection timed out"
        case .timedOut: "no answer within the timeout"
        case .reset: "connection reset by the peer"
        case .closedEarly: "the peer closed the connection before the response was complete"
        case .malformed(let what): "malformed response: \(what)"
        case .system(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        }
    }

    /// The error for a failed call that left `code` in errno.
    static func from(_ call: String, errno code: Int32) -> HTTPClientError {
        switch code {
        case ECONNREFUSED: .refused
        case ECONNRESET, EPIPE: .reset
        case EAGAIN, ETIMEDOUT: .timedOut
        default: .system(call: call, errno: code)
        }
    }
}
