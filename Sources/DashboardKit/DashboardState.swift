/// The dashboard between frames: the last answer, what the history holds, and what the keys set.
/// Events go in (answers, failures, keys), frames come out; time is passed in as seconds on a
/// monotonic clock.
public struct DashboardState: Sendable {
    public let source: String
    public let intervalMs: Int
    public private(set) var history: WorkerHistory
    public private(set) var status: DashboardStatus?
    public private(set) var failure: String?
    public private(set) var lastAnswer: Double?
    public private(set) var sort = SortOrder.state
    public private(set) var showingHelp = false
    public private(set) var quitting = false

    public init(source: String, intervalMs: Int, history: WorkerHistory = WorkerHistory()) {
        self.source = source
        self.intervalMs = intervalMs
        self.history = history
    }

    public mutating func record(_ answer: DashboardStatus, at time: Double) {
        status = answer
        failure = nil
        lastAnswer = time
        history.record(answer.workers, at: time)
    }

    /// A poll that failed: the last answer stays on screen under a warning.
    public mutating func recordFailure(_ reason: String) {
        failure = reason
    }

    public mutating func press(_ key: Key) {
        switch key {
        case .quit: quitting = true
        case .cycleSort: sort = sort.next
        case .toggleHelp: showingHelp.toggle()
        }
    }

    public func frame(at now: Double) -> DashboardFrame {
        DashboardFrame(
            source: source, status: status, failure: failure,
            secondsSinceAnswer: failure == nil ? nil : lastAnswer.map { now - $0 }, intervalMs: intervalMs,
            history: history, sort: sort, showingHelp: showingHelp, now: now)
    }
}
