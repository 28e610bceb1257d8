import LoomProtocol

/// How a request ended, as counted in STATUS_REPLY and `loom_requests_total{outcome}`.
enum RequestOutcome: Sendable, Hashable {
    /// FINAL stop or length.
    case completed(FinishReason)
    /// FINAL cancelled.
    case cancelled
    /// FINAL deadline from the worker, or the controller's own timeout.
    case timedOut
    /// Any other ERROR.
    case failed(ErrorCode)

    init(_ finish: FinishReason) {
        switch finish {
        case .stop, .length: self = .completed(finish)
        case .cancelled: self = .cancelled
        case .deadline: self = .timedOut
        }
    }

    init(_ code: ErrorCode) {
        switch code {
        case .timeout: self = .timedOut
        default: self = .failed(code)
        }
    }

    /// The `outcome` label: `stop`, `length`, `cancelled`, `timeout`, or the error code's name.
    var label: String {
        switch self {
        case .completed(let reason): reason == .length ? "length" : "stop"
        case .cancelled: "cancelled"
        case .timedOut: "timeout"
        case .failed(let code): code.name
        }
    }
}
