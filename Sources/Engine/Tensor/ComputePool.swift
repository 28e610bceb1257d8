import CKernels
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed set of compute threads for the matrix products and attention of a forward pass.
///
/// Workers are started once. A call publishes its job, wakes them once (a bump of a shared counter;
/// a futex wake only for those asleep), and the calling thread works too; indices are handed out
/// one at a time from an atomic counter, so a slow thread takes fewer. Between calls workers spin
/// for `spinMicroseconds` (the next product of a forward pass follows within microseconds), then
/// sleep. A call allocates nothing.
///
/// Meant for one compute thread: calls from several threads are serialised (each waits for the
/// previous call to finish), and a call from inside a job deadlocks.
public final class ComputePool: @unchecked Sendable {
    /// Threads that run a job: the workers plus the calling thread.
    public let threadCount: Int
    private let state: PoolState
    private let workers: [pthread_t]
    private let callers = Mutex(())

    public init(threads: Int = 2, spinMicroseconds: Int = 200) {
        let state = PoolState(spinNanoseconds: UInt64(max(spinMicroseconds, 0)) * 1000)
        var workers: [pthread_t] = []
        for index in 1..<max(threads, 1) {
            guard let thread = Self.start(WorkerStart(state: state, thread: index)) else { break }
            workers.append(thread)
        }
        self.state = state
        self.workers = workers
        threadCount = workers.count + 1
        state.workerCount = UInt32(workers.count)
    }

    deinit {
        state.stop()
        for thread in workers { pthread_join(thread, nil) }
    }

    /// Runs `body(index, thread)` once for every index in 0..<count, spread over the threads, and
    /// returns when all have finished. `thread` (0..<threadCount, 0 the caller) is for per-thread
    /// scratch. `body` runs concurrently on several threads: it must write only disjoint memory.
    public func parallelFor(_ count: Int, _ body: (_ index: Int, _ thread: Int) -> Void) {
        guard count > 0 else { return }
        callers.withLock { _ in
            if workers.isEmpty || count == 1 {
                for index in 0..<count { body(index, 0) }
                return
            }
            withoutActuallyEscaping(body) { job in state.run(job, count: count) }
        }
    }

    /// Runs `body(index)` once for every index in 0..<count, spread over the threads.
    public func parallelFor(_ count: Int, _ body: (_ index: Int) -> Void) {
        parallelFor(count) { index, _ in body(index) }
    }

    private static func start(_ worker: WorkerStart) -> pthread_t? {
        let context = Unmanaged.passRetained(worker).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t? = nil
        #endif
        let status = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            let worker = Unmanaged<WorkerStart>.fromOpaque(context).takeRetainedValue()
            worker.state.workerLoop(thread: worker.thread)
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<WorkerStart>.fromOpaque(context).release()
            return nil
        }
        return thread
    }
}

private final class WorkerStart {
    let state: PoolState
    let thread: Int
    init(state: PoolState, thread: Int) {
        self.state = state
        self.thread = thread
    }
}

/// What the caller and the workers share. The counters live in raw memory, one cache line each,
/// and are read and written only through the C atomics (and the futex) of CKernels.
private final class PoolState: @unchecked Sendable {
    typealias Job = (_ index: Int, _ thread: Int) -> Void

    private let words: UnsafeMutablePointer<UInt32>
    private var generation: UnsafeMutablePointer<UInt32> { words }
    private var sleepers: UnsafeMutablePointer<UInt32> { words + 16 }
    private var next: UnsafeMutablePointer<UInt32> { words + 32 }
    private var done: UnsafeMutablePointer<UInt32> { words + 48 }
    private var count: UnsafeMutablePointer<UInt32> { words + 64 }
    private var stopping: UnsafeMutablePointer<UInt32> { words + 80 }
    private let job: UnsafeMutablePointer<Job?>
    private let spinNanoseconds: UInt64
    /// Set once, before any job.
    var workerCount: UInt32 = 0

    init(spinNanoseconds: UInt64) {
        self.spinNanoseconds = spinNanoseconds
        let raw = UnsafeMutableRawPointer.allocate(byteCount: 96 * 4, alignment: 64)
        raw.initializeMemory(as: UInt32.self, repeating: 0, count: 96)
        words = raw.assumingMemoryBound(to: UInt32.self)
        job = .allocate(capacity: 1)
        job.initialize(to: nil)
    }

    deinit {
        job.deinitialize(count: 1)
        job.deallocate()
        UnsafeMutableRawPointer(words).deallocate()
    }

    /// Publishes `body`, wakes the workers, works, and waits for every worker to be done with it.
    func run(_ body: @escaping Job, count total: Int) {
        job.pointee = body
        count.pointee = UInt32(clamping: total)
        next.pointee = 0
        done.pointee = 0
        ck_bump_and_wake(generation, sleepers)  // publishes the stores above
        work(thread: 0)
        ck_spin_until_equal(done, workerCount)
        job.pointee = nil
    }

    func workerLoop(thread: Int) {
        var seen: UInt32 = 0
        while true {
            seen = ck_wait_change(generation, seen, sleepers, spinNanoseconds)
            if ck_load_acquire(stopping) != 0 { return }
            work(thread: thread)
            _ = ck_fetch_add(done, 1)
        }
    }

    /// Takes indices until none are left. Its copy of the job is released on return, before the
    /// worker reports done (the caller's `withoutActuallyEscaping` checks that nothing kept it).
    @inline(never)
    private func work(thread: Int) {
        guard let body = job.pointee else { return }
        let total = count.pointee
        while true {
            let index = ck_fetch_add(next, 1)
            if index >= total { return }
            body(Int(index), thread)
        }
    }

    func stop() {
        ck_store_release(stopping, 1)
        ck_bump_and_wake(generation, sleepers)
    }
}
