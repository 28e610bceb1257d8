import Foundation

/// Runs blocking `work` (waiting for a process, a socket, tmux) on a thread of its own. The
/// cooperative pool has two threads here, shared by every test running at once: blocking one of
/// them stalls the others, in-process servers included.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result(catching: work)) }.start()
    }
}
