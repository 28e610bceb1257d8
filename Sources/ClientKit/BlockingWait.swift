import Dispatch
import Synchronization

/// Runs `operation` as a task and waits for it on the calling thread: for code that is not async
/// (loom-top's fetcher thread, a test's polling thread). Never call it on the cooperative pool,
/// whose two threads the task itself needs.
public func blockingWait<Value: Sendable, Failure: Error>(
    _ operation: @escaping @Sendable () async throws(Failure) -> Value
) throws(Failure) -> Value {
    let outcome = Mutex<Result<Value, Failure>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let result: Result<Value, Failure>
        do throws(Failure) {
            result = .success(try await operation())
        } catch {
            result = .failure(error)
        }
        outcome.withLock { $0 = result }
        done.signal()
    }
    done.wait()
    // The task stored a result before it signalled.
    return try outcome.withLock { $0! }.get()
}
