import CZeroMQ
import Dispatch
import Glibc
import Synchronization

extension SocketThread {
    /// The loop's end, signalled by the socket thread and awaited by `stop` (any number of times).
    final class Exit: Sendable {
        private struct State {
            var thread: pthread_t?
            var finished = false
            var error: (any Error)?
        }

        private let state = Mutex(State())
        private let finished = DispatchSemaphore(value: 0)

        /// Socket thread: records which thread it is, so `stop` can refuse to wait for itself.
        func markStarted() {
            state.withLock { $0.thread = pthread_self() }
        }

        var isCurrentThread: Bool {
            state.withLock { $0.thread.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
        }

        func finish(with error: (any Error)?) {
            state.withLock {
                $0.finished = true
                $0.error = error
            }
            finished.signal()
        }

        var hasFinished: Bool { state.withLock(\.finished) }
        var error: (any Error)? { state.withLock(\.error) }

        /// Waits up to `timeout` (`nil`: forever); `false` if the loop was still running.
        func wait(for timeout: Duration?) -> Bool {
            let deadline = timeout.map { .now() + .milliseconds(Int($0.zmqMilliseconds)) } ?? DispatchTime.distantFuture
            guard finished.wait(timeout: deadline) == .success else { return false }
            // Pass the signal on, for the next caller.
            finished.signal()
            return true
        }
    }

    /// The result of the handler's setup, passed from the socket thread to `start`.
    final class Handoff<Value: Sendable>: Sendable {
        private let result = Mutex<Result<Value, any Error>?>(nil)
        private let ready = DispatchSemaphore(value: 0)

        func put(_ value: Result<Value, any Error>) {
            result.withLock { $0 = value }
            ready.signal()
        }

        func take() -> Result<Value, any Error> {
            ready.wait()
            // `put` stored a value before signalling, so the fallback is never used.
            let missing = ZMQError(code: EINVAL, call: "SocketThread.start", message: "no setup result")
            return result.withLock { $0 } ?? .failure(missing)
        }
    }
}
