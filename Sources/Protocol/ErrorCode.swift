/// Why a request failed. Closed: stable wire values, stable snake_case names (docs/protocol.md, section 9).
public enum ErrorCode: UInt8, Sendable, CaseIterable {
    case noModel = 0
    case noLiveWorker = 1
    case overloaded = 2
    case badImage = 3
    case promptTooLong = 4
    case workerLost = 5
    case timeout = 6
    case badRequest = 7
    case cancelled = 8
    case unauthorized = 9
    case `internal` = 10

    /// The stable name, as the HTTP front door reports it.
    public var name: String {
        switch self {
        case .noModel: "no_model"
        case .noLiveWorker: "no_live_worker"
        case .overloaded: "overloaded"
        case .badImage: "bad_image"
        case .promptTooLong: "prompt_too_long"
        case .workerLost: "worker_lost"
        case .timeout: "timeout"
        case .badRequest: "bad_request"
        case .cancelled: "cancelled"
        case .unauthorized: "unauthorized"
        case .internal: "internal"
        }
    }

    public init?(name: String) {
        guard let code = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = code
    }
}
