import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs a body once per part, the parts on separate threads, and returns when all are done: part 0 on
/// the caller's thread, the others on `parts − 1` threads that live as long as the runner. Work is split
/// by part index, so per-part scratch is safe.
///
/// A forward pass is about a hundred short parallel steps in a row: waking pooled threads through the
/// kernel for each (libdispatch's concurrentPerform) costs more than the steps' imbalance, and on a busy
/// machine it may not spread them at all. These threads spin briefly between steps, then sleep; the caller,
/// waiting for the others to finish a step, spins briefly and then yields its core (on a machine busier
/// than its cores, the part it waits for may need that core to run at all).
final class ParallelRunner {
    let parts: Int
    private let crew: Crew

    init(parts: Int) {
        self.parts = max(parts, 1)
        crew = Crew(workers: self.parts - 1)
        for part in 1..<self.parts {
            let thread = Thread { [crew] in crew.work(part: part) }
            thread.name = "loom-vision-\(part)"
            thread.start()
        }
    }

    deinit { crew.stop() }

    /// The body reads shared inputs and writes only what its part owns (rows, panels or heads of raw
    /// buffers): that contract, not the type system, makes the concurrent calls safe.
    func run(_ body: (Int) -> Void) {
        if parts == 1 { return body(0) }
        withoutActuallyEscaping(body) { crew.run($0) }
    }

    /// The share of `0..<count` that `part` handles.
    func range(of count: Int, part: Int) -> Range<Int> {
        count * part / parts..<count * (part + 1) / parts
    }
}

/// The state the caller and the workers share. A step is published by bumping `generation` (release)
/// after storing `job`; workers acquire it, run their part, and count down `pending`. Sleeping is under
/// `condition`, and a bump is made while holding it, so no wake-up is lost.
private final class Crew: @unchecked Sendable {  // synchronised as described above
    private let workers: Int
    private let generation = Atomic<Int>(0)
    private let pending = Atomic<Int>(0)
    private let condition = NSCondition()
    private var job: ((Int) -> Void)?
    private var stopped = false
    /// Polls of `generation` before a worker sleeps: some tens of microseconds, longer than the gaps
    /// between the steps of one forward pass.
    private static let spins = 20_000
    /// Polls of `pending` before the caller starts yielding: a few microseconds.
    private static let callerSpins = 2_000

    init(workers: Int) { self.workers = workers }

    func run(_ body: @escaping (Int) -> Void) {
        job = body
        pending.store(workers, ordering: .relaxed)
        publish()
        body(0)
        var polls = 0
        while pending.load(ordering: .acquiring) > 0 {
            polls += 1
            if polls > Self.callerSpins { sched_yield() }
        }
        job = nil
    }

    func stop() {
        stopped = true
        publish()
    }

    private func publish() {
        condition.lock()
        generation.add(1, ordering: .releasing)
        condition.broadcast()
        condition.unlock()
    }

    func work(part: Int) {
        var seen = 0
        while true {
            var current = generation.load(ordering: .acquiring)
            var polls = 0
            while current == seen && polls < Self.spins {
                polls += 1
                current = generation.load(ordering: .acquiring)
            }
            if current == seen {
                condition.lock()
                while generation.load(ordering: .acquiring) == seen { condition.wait() }
                condition.unlock()
                current = generation.load(ordering: .acquiring)
            }
            seen = current
            if stopped { return }
            job?(part)
            pending.subtract(1, ordering: .releasing)
        }
    }
}
