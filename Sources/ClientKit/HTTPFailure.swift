import AsyncHTTPClient
import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix

/// Why an HTTP exchange with the controller failed: a short `kind` that reports count failures by,
/// and one line that says what happened, made from whatever async-http-client or NIO threw.
public struct HTTPFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// `connection_refused`, `timeout`, `connection_reset`, `connection_closed`, `bad_response`,
    /// `unresolved_host`, `cancelled` or `io_error`.
    public let kind: String
    public let description: String

    public init(kind: String, description: String) {
        self.kind = kind
        self.description = description
    }

    public static let refused = HTTPFailure(kind: "connection_refused", description: "connection refused")
    public static let reset = HTTPFailure(kind: "connection_reset", description: "connection reset by the peer")
    public static let closedEarly = HTTPFailure(
        kind: "connection_closed", description: "the peer closed the connection before the response was complete")
    public static let connectTimedOut = HTTPFailure(kind: "timeout", description: "connection timed out")
    public static let cancelled = HTTPFailure(kind: "cancelled", description: "the request was cancelled")

    /// No whole answer within `timeout`.
    public static func timedOut(_ timeout: Duration) -> HTTPFailure {
        HTTPFailure(kind: "timeout", description: "no answer within \(timeout)")
    }

    public static func malformed(_ what: String) -> HTTPFailure {
        HTTPFailure(kind: "bad_response", description: "malformed response: \(what)")
    }

    /// What `error`, thrown by the client or the channel under it, means for a report; a request
    /// whose deadline passed is said to have had `timeout`.
    public init(_ error: any Error, within timeout: Duration? = nil) {
        switch error {
        case let failure as HTTPFailure:
            self = failure
        case let error as HTTPClientError where error == .deadlineExceeded && timeout != nil:
            self = .timedOut(timeout ?? .zero)
        case let error as NIOConnectionError:
            if let lookup = error.dnsAError ?? error.dnsAAAAError {
                self.init(kind: "unresolved_host", description: "cannot resolve \(error.host): \(lookup)")
            } else if let attempt = error.connectionErrors.first {
                self.init(attempt.error)
            } else {
                self.init(kind: "io_error", description: "cannot connect to \(error.host):\(error.port)")
            }
        case let error as SocketAddressError:
            self.init(kind: "unresolved_host", description: "cannot resolve: \(error)")
        case let error as IOError:
            self = Self.from(errno: error.errnoCode, error)
        case let error as ChannelError:
            self = Self.from(error)
        case let error as HTTPClientError:
            self = Self.from(error)
        case HTTPParserError.invalidEOFState:
            self = .closedEarly
        case let error as HTTPParserError:
            self = .malformed("\(error)")
        case let error as ResponseAccumulator.ResponseTooBigError:
            self = .malformed("the body is larger than \(error.maxBodySize) bytes")
        case is CancellationError:
            self = .cancelled
        default:
            self.init(kind: "io_error", description: String(describing: error))
        }
    }

    private static func from(errno code: Int32, _ error: IOError) -> HTTPFailure {
        switch code {
        case ECONNREFUSED: .refused
        case ECONNRESET, EPIPE: .reset
        case ETIMEDOUT: .connectTimedOut
        default: HTTPFailure(kind: "io_error", description: String(describing: error))
        }
    }

    private static func from(_ error: ChannelError) -> HTTPFailure {
        switch error {
        case .connectTimeout: .connectTimedOut
        case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed: .closedEarly
        default: HTTPFailure(kind: "io_error", description: String(describing: error))
        }
    }

    private static func from(_ error: HTTPClientError) -> HTTPFailure {
        switch error {
        case .connectTimeout: .connectTimedOut
        case .readTimeout, .deadlineExceeded: HTTPFailure(kind: "timeout", description: "no answer within the timeout")
        case .remoteConnectionClosed, .bodyLengthMismatch: .closedEarly
        case .cancelled: .cancelled
        case .invalidURL, .emptyHost, .emptyScheme: HTTPFailure(kind: "client_error", description: "\(error)")
        default: .malformed("\(error)")
        }
    }
}
