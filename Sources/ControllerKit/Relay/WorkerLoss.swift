import Foundation

/// Why a worker's requests are handled as lost, for the messages their clients get.
enum WorkerLoss: Sendable {
    /// Silent past liveness, unreachable, left, or registered again.
    case lost
    /// Held requests without progress on any for this long (`ControllerConfiguration.stallTimeout`).
    case stalled(Duration)

    /// What happened to the worker, after "worker 'id' ".
    var phrase: String {
        switch self {
        case .lost: "was lost"
        case .stalled(let timeout): "made no progress for \(String(format: "%g", timeout.seconds)) s"
        }
    }
}
