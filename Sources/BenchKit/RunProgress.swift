import Synchronization

/// Counts shared by the requests in flight and the progress display.
public final class RunProgress: Sendable {
    private struct Counts {
        var inFlight = 0
        var peakInFlight = 0
        var finished = 0
        var failed = 0
    }

    private let counts = Mutex(Counts())

    public init() {}

    func started() {
        counts.withLock {
            $0.inFlight += 1
            $0.peakInFlight = max($0.peakInFlight, $0.inFlight)
        }
    }

    func ended(failed: Bool) {
        counts.withLock {
            $0.inFlight -= 1
            $0.finished += 1
            if failed { $0.failed += 1 }
        }
    }

    public var finished: Int { counts.withLock(\.finished) }
    public var failed: Int { counts.withLock(\.failed) }
    public var inFlight: Int { counts.withLock(\.inFlight) }
    /// The most requests in flight at once so far.
    public var peakInFlight: Int { counts.withLock(\.peakInFlight) }
}
