/// Everything one screen shows; `DashboardRenderer` turns it into lines.
public struct DashboardFrame: Sendable {
    /// The address polled.
    public var source: String
    /// The last answer, if any came.
    public var status: DashboardStatus?
    /// Why the last poll failed; `nil` when it succeeded.
    public var failure: String?
    /// Seconds since the last answer (shown while polls fail).
    public var secondsSinceAnswer: Double?
    /// Milliseconds between polls.
    public var intervalMs: Int
    public var history: WorkerHistory
    public var sort: SortOrder
    public var showingHelp: Bool
    /// Now, on the clock `history` was fed with.
    public var now: Double

    public init(
        source: String, status: DashboardStatus?, failure: String? = nil, secondsSinceAnswer: Double? = nil,
        intervalMs: Int, history: WorkerHistory, sort: SortOrder = .state, showingHelp: Bool = false, now: Double
    ) {
        self.source = source
        self.status = status
        self.failure = failure
        self.secondsSinceAnswer = secondsSinceAnswer
        self.intervalMs = intervalMs
        self.history = history
        self.sort = sort
        self.showingHelp = showingHelp
        self.now = now
    }
}
