import CKernels
import COpenBLAS
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed set of compute threads for the matrix products and attention of a forward pass.
///
/// Workers are started once. A call publishes its job, wakes them once (a bump of a shared counter;
/// a futex wake only for those asleep), and the calling thread works too. Indices are claimed one
/// at a time, so a slow or preempted thread takes fewer, and one that wakes after the work is gone
/// claims nothing: the caller waits only for claimed indices to finish. Between calls workers spin
/// for `spinMicroseconds` (the next product of a forward pass follows within microseconds), then
/// sleep. A call allocates nothing.
///
/// The one source of compute threads in a process: the decoder and the vision tower share a pool.
/// Meant for one compute thread: calls from several threads are serialised (each waits for the
/// previous call to finish), and a call from inside a job deadlocks.
public final class ComputePool: @unchecked Sendable {
    /// Threads that run a job: the workers plus the calling thread.
    public let threadCount: Int
    private let state: PoolState
    private let workers: [pthread_t]
    private let callers = Mutex(())

    public init(threads: Int = 2, spinMicroseconds: Int = 200) {
        // OpenBLAS policy: single-threaded, process-wide, set here because every sgemm in Loom runs
        // inside a job of a pool, on a share of its product (a decoder weight tile, a block of vision
        // weight rows, one attention head). Threads of its own would spin against ours for the same cores.
        openblas_set_num_threads(1)
        let state = PoolState(spinNanoseconds: UInt64(max(spinMicroseconds, 0)) * 1000)
        var workers: [pthread_t] = []
        for index in 1..<max(threads, 1) {
            guard let thread = Self.start(WorkerStart(state: state, thread: index)) else { break }
            workers.append(thread)
        }
        self.state = state
        self.workers = workers
        threadCount = workers.count + 1
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
            // A job holds at most PoolState.maxCount indices; longer loops run as several jobs.
            for base in stride(from: 0, to: count, by: PoolState.maxCount) {
                let part = { (index: Int, thread: Int) in body(base + index, thread) }
                withoutActuallyEscaping(part) { job in state.run(job, count: min(PoolState.maxCount, count - base)) }
            }
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

/// What the caller and the workers share: the job word and counters live in raw memory, a cache
/// line each, and are touched only through CKernels' atomics (and futex).
private final class PoolState: @unchecked Sendable {
    typealias Job = (_ index: Int, _ thread: Int) -> Void
    static let maxCount = 0xffff

    private let memory: UnsafeMutableRawPointer
    private var word: UnsafeMutablePointer<UInt64> { memory.assumingMemoryBound(to: UInt64.self) }
    private var slot: UnsafeMutablePointer<UnsafeMutableRawPointer?> {
        (memory + 64).assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
    }
    private var completed: UnsafeMutablePointer<UInt32> { (memory + 128).assumingMemoryBound(to: UInt32.self) }
    private var signal: UnsafeMutablePointer<UInt32> { (memory + 192).assumingMemoryBound(to: UInt32.self) }
    private var sleepers: UnsafeMutablePointer<UInt32> { (memory + 256).assumingMemoryBound(to: UInt32.self) }
    private var stopping: UnsafeMutablePointer<UInt32> { (memory + 320).assumingMemoryBound(to: UInt32.self) }
    private let spinNanoseconds: UInt64
    /// The caller's count of jobs (callers are serialised).
    private var generation: UInt32 = 0

    init(spinNanoseconds: UInt64) {
        self.spinNanoseconds = spinNanoseconds
        memory = .allocate(byteCount: 384, alignment: 64)
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: 384)
    }

    deinit { memory.deallocate() }

    /// Publishes `job`, wakes the workers, works, and waits for every index to complete.
    func run(_ job: @escaping Job, count: Int) {
        var job = job
        withUnsafeMutablePointer(to: &job) { pointer in
            generation &+= 1
            ck_publish_job(word, slot, pointer, completed, ck_job_word(generation, UInt32(count)))
            ck_bump_and_wake(signal, sleepers)
            work(thread: 0)
            ck_wait_until_equal(completed, UInt32(count))
        }
    }

    func workerLoop(thread: Int) {
        var seen: UInt32 = 0
        while true {
            seen = ck_wait_change(signal, seen, sleepers, spinNanoseconds)
            if ck_load_acquire(stopping) != 0 { return }
            work(thread: thread)
        }
    }

    /// Claims and runs indices until none are left. The job is read only through a successful
    /// claim, while the caller is still waiting for that index.
    private func work(thread: Int) {
        var claimed: UnsafeMutableRawPointer?
        while true {
            let index = ck_claim(word, slot, &claimed)
            guard index >= 0, let job = claimed else { return }
            job.assumingMemoryBound(to: Job.self).pointee(Int(index), thread)
            ck_complete(completed)
        }
    }

    func stop() {
        ck_store_release(stopping, 1)
        ck_bump_and_wake(signal, sleepers)
    }
}

extension ComputePool {
    /// Lowers the calling thread's scheduling priority (a nice value, 0 to 19) so that the pool's
    /// threads win the cores from it: for work beside the pool, such as decoding images.
    public static func lowerCurrentThreadPriority(nice: Int32) {
        _ = ck_set_thread_nice(nice)
    }
}
