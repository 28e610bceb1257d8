import LoomProtocol

/// How worker rows are ordered; `s` cycles through them. Each ends with the id, so rows never swap
/// places between frames for no reason.
public enum SortOrder: Sendable, CaseIterable {
    /// Ready, busy, stale, gone.
    case state
    case id
    /// Highest tokens/s first.
    case throughput
    /// Most running plus waiting first.
    case load
    /// Longest silent first.
    case heartbeat

    public var label: String {
        switch self {
        case .state: "state"
        case .id: "id"
        case .throughput: "tok/s"
        case .load: "load"
        case .heartbeat: "heartbeat"
        }
    }

    /// The next order in the cycle.
    public var next: SortOrder {
        let all = Self.allCases
        let index = all.firstIndex(of: self) ?? all.startIndex
        return all[(index + 1) % all.count]
    }

    public func sorted(_ workers: [WorkerStatus]) -> [WorkerStatus] {
        workers.sorted { left, right in
            switch self {
            case .state where left.state != right.state:
                return left.state.rawValue < right.state.rawValue
            case .throughput where left.load.tokensPerSecond != right.load.tokensPerSecond:
                return left.load.tokensPerSecond > right.load.tokensPerSecond
            case .load where left.load.running + left.load.waiting != right.load.running + right.load.waiting:
                return left.load.running + left.load.waiting > right.load.running + right.load.waiting
            case .heartbeat where left.heartbeatAgeMs != right.heartbeatAgeMs:
                return left.heartbeatAgeMs > right.heartbeatAgeMs
            default:
                return left.id < right.id
            }
        }
    }
}
