import Engine
import Synchronization
import Testing

@Suite struct MatmulComputePoolTests {
    @Test(arguments: [1, 2, 3])
    func runsEveryIndexExactlyOnce(threads: Int) {
        let pool = ComputePool(threads: threads)
        #expect(pool.threadCount == threads)
        for count in [0, 1, 2, 7, 64, 1000, 70000] {
            let runs = Mutex([Int](repeating: 0, count: count))
            let threadsSeen = Mutex(Set<Int>())
            pool.parallelFor(count) { index, thread in
                runs.withLock { $0[index] += 1 }
                threadsSeen.withLock { _ = $0.insert(thread) }
            }
            #expect(runs.withLock { $0.allSatisfy { $0 == 1 } }, "count \(count)")
            #expect(threadsSeen.withLock { $0.isSubset(of: Set(0..<threads)) })
        }
    }

    @Test func manyCallsInARowAfterWorkersFallAsleep() async throws {
        // Spin briefly, so that workers park between the bursts and must be woken.
        let pool = ComputePool(threads: 2, spinMicroseconds: 1)
        let total = Atomic<Int>(0)
        for burst in 0..<3 {
            for _ in 0..<2000 { pool.parallelFor(4) { _ in total.add(1, ordering: .relaxed) } }
            #expect(total.load(ordering: .relaxed) == 8000 * (burst + 1))
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func callsFromSeveralThreadsAreSerialised() async {
        final class Counters: Sendable {
            let inside = Atomic<Int>(0), overlapped = Atomic<Bool>(false), total = Atomic<Int>(0)
        }
        let pool = ComputePool(threads: 2), counters = Counters()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<200 {
                        pool.parallelFor(8) { index in
                            if index == 0 {
                                if counters.inside.add(1, ordering: .sequentiallyConsistent).newValue > 1 {
                                    counters.overlapped.store(true, ordering: .relaxed)
                                }
                                counters.inside.subtract(1, ordering: .sequentiallyConsistent)
                            }
                            counters.total.add(1, ordering: .relaxed)
                        }
                    }
                }
            }
        }
        let total = counters.total.load(ordering: .relaxed), overlapped = counters.overlapped.load(ordering: .relaxed)
        #expect(total == 4 * 200 * 8)
        #expect(!overlapped)
    }

    @Test func poolWithWorkersShutsDownWhenReleased() {
        // Workers hold no reference to the pool: releasing it joins them.
        weak var released: ComputePool?
        do {
            let pool = ComputePool(threads: 3)
            released = pool
            pool.parallelFor(10) { _ in }
        }
        #expect(released == nil)
    }
}
