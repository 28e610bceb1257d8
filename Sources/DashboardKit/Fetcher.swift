import Foundation
import Synchronization

/// Polls the controller on a thread of its own every interval, so a slow or silent controller
/// never holds up keys or redraws. The source (which may own a ZeroMQ socket) is made, used and
/// dropped on that thread.
final class Fetcher: Sendable {
    enum Result: Sendable {
        case answer(DashboardStatus)
        case failure(String)
    }

    private let results = Mutex<[(Result, ContinuousClock.Instant)]>([])
    private let stopped = Atomic<Bool>(false)
    private let sleeper = DispatchSemaphore(value: 0)

    /// Starts polling at once; `wake` is called after each result.
    init(interval: Duration, wake: @escaping @Sendable () -> Void, makeSource: @escaping @Sendable () throws -> any StatusSource) {
        let thread = Thread { [self] in
            var source: (any StatusSource)?
            while !stopped.load(ordering: .relaxed) {
                let started = ContinuousClock.now
                let result: Result
                do {
                    let current = try source ?? makeSource()
                    source = current
                    result = .answer(try current.fetch())
                } catch {
                    result = .failure(String(describing: error))
                }
                results.withLock { $0.append((result, .now)) }
                wake()
                let next = started + interval
                let left = ContinuousClock.now.duration(to: next)
                if left > .zero { _ = sleeper.wait(timeout: .now() + .milliseconds(Int(left.seconds * 1000))) }
            }
        }
        thread.name = "loom-top-fetcher"
        thread.start()
    }

    /// The results since the last call, oldest first, with when each came.
    func take() -> [(Result, ContinuousClock.Instant)] {
        results.withLock { taken in
            defer { taken = [] }
            return taken
        }
    }

    /// Ends the polling after the fetch in progress, if any.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        sleeper.signal()
    }
}
