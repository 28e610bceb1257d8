import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs a body once per part and returns when all parts are done: the caller's thread and `parts − 1`
/// threads that live as long as the runner each claim parts until none are left. Work is split by part
/// index, never by thread, so per-part scratch is safe.
///
/// A forward pass is about a hundred short parallel steps in a row: waking pooled threads through the
/// kernel for each (libdispatch's concurrentPerform) costs more than the steps' imbalance, and on a busy
/// machine it may not spread them at all. These threads spin briefly between steps, then sleep. Parts are
/// claimed rather than assigned, so when a worker is slow to get a core (a machine busier than its
/// cores), the caller runs its part too instead of waiting for it.
final class ParallelRunner {
    let parts: Int
    private let crew: Crew

    init(parts: Int) {
        self.parts = max(parts, 1)
        crew = Crew(parts: self.parts)
        for index in 1..<self.parts {
            let thread = Thread { [crew] in crew.work() }
            thread.name = "loom-vision-\(index)"
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

/// What the caller and the workers share. `state` packs the step's generation (high bits) with the next
/// unclaimed part (low bits): the caller publishes a step by storing a new generation with part 0
/// (release, after storing `job`); anyone claims a part by incrementing it (compare-exchange, so a claim
/// for a finished step fails). Sleeping is under `condition`, and publishing holds it, so no wake-up is
/// lost.
private final class Crew: @unchecked Sendable {  // synchronised as described above
    private let parts: Int
    private let state = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let condition = NSCondition()
    /// Written by the caller only, before publishing a step.
    private var job: ((Int) -> Void)?
    private var generation = 0
    private var stopped = false
    /// Polls of `state` before a worker sleeps: some tens of microseconds, longer than the gaps between
    /// the steps of one forward pass.
    private static let workerSpins = 20_000
    /// Polls of `finished` before the caller starts yielding its core: a few microseconds.
    private static let callerSpins = 2_000
    private static let partBits = 32

    init(parts: Int) { self.parts = parts }

    func run(_ body: @escaping (Int) -> Void) {
        job = body
        finished.store(0, ordering: .relaxed)
        publish(generation + 1)
        runParts(of: generation)
        var polls = 0
        while finished.load(ordering: .acquiring) < parts {
            polls += 1
            if polls > Self.callerSpins { sched_yield() }
        }
        job = nil
    }

    func stop() {
        stopped = true
        publish(generation + 1)
    }

    private func publish(_ next: Int) {
        generation = next
        condition.lock()
        state.store(next << Self.partBits, ordering: .releasing)
        condition.broadcast()
        condition.unlock()
    }

    /// Claims and runs parts of step `step` until none are left (or the step is over).
    private func runParts(of step: Int) {
        var current = state.load(ordering: .acquiring)
        while current >> Self.partBits == step, current & (1 << Self.partBits - 1) < parts {
            let (claimed, original) = state.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if claimed {
                job?(current & (1 << Self.partBits - 1))
                finished.add(1, ordering: .releasing)
                current += 1
            } else {
                current = original
            }
        }
    }

    func work() {
        var seen = 0
        while true {
            var polls = 0
            var step = state.load(ordering: .acquiring) >> Self.partBits
            while step == seen && polls < Self.workerSpins {
                polls += 1
                step = state.load(ordering: .acquiring) >> Self.partBits
            }
            if step == seen {
                condition.lock()
                while state.load(ordering: .acquiring) >> Self.partBits == seen { condition.wait() }
                condition.unlock()
                step = state.load(ordering: .acquiring) >> Self.partBits
            }
            seen = step
            if stopped { return }
            runParts(of: step)
        }
    }
}
