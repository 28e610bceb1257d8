import Synchronization

/// Where the socket thread publishes its latest `ControllerSnapshot` for other threads to read.
final class SnapshotBoard: Sendable {
    private let current = Mutex(ControllerSnapshot.empty)

    func publish(_ snapshot: ControllerSnapshot) {
        current.withLock { $0 = snapshot }
    }

    var latest: ControllerSnapshot { current.withLock { $0 } }
}
