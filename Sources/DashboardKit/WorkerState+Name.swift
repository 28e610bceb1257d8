import LoomProtocol

extension WorkerState {
    /// As the dashboard and the HTTP API write it.
    public var name: String {
        switch self {
        case .ready: "ready"
        case .busy: "busy"
        case .stale: "stale"
        case .gone: "gone"
        }
    }

    public init?(name: String) {
        guard let state = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = state
    }
}
