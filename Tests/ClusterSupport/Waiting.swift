import Glibc
import Synchronization
import TestSupport

/// Polling with a bound: tests wait for what real processes do, never forever.
public enum Waiting {
    /// Checks `condition` every 20 ms until it holds or `timeout` passes; whether it came to hold.
    /// The polling runs on a thread of its own: when many tests share the cooperative pool, a
    /// short-lived state (a worker stale for a second) is still seen while it lasts.
    public static func until(within timeout: Duration, _ condition: @escaping @Sendable () -> Bool) async -> Bool {
        (try? await offThePool { poll(within: timeout, condition) }) ?? false
    }

    /// The same on the calling thread, for code already off the pool.
    public static func poll(within timeout: Duration, _ condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }
}

/// A value a test and a polling thread share.
public final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    public init(_ value: Value) {
        mutex = Mutex(value)
    }

    public var value: Value { mutex.withLock { $0 } }

    public func set(_ value: Value) {
        mutex.withLock { $0 = value }
    }
}
