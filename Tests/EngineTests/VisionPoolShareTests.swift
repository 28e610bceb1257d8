import Foundation
import Testing
@testable import Engine

/// The vision tower's fork-join runner: every part runs exactly once per step, each step sees the
/// previous step's writes, and the worker threads take parts.
struct VisionParallelRunnerTests {
    @Test(arguments: [1, 2, 3])
    func everyPartRunsOncePerStepAndFinishesBeforeItReturns(parts: Int) {
        let runner = ParallelRunner(parts: parts)
        let steps = 2_000
        var counts = [Int](repeating: 0, count: parts)
        var lastStep = [Int](repeating: -1, count: parts)
        var complete = 0
        counts.withUnsafeMutableBufferPointer { counts in
            lastStep.withUnsafeMutableBufferPointer { lastStep in
                for step in 0..<steps {
                    runner.run { part in
                        counts[part] += 1
                        lastStep[part] = step
                    }
                    if lastStep.allSatisfy({ $0 == step }) { complete += 1 }
                }
            }
        }
        #expect(counts == [Int](repeating: steps, count: parts))
        #expect(complete == steps, "every part's write of a step is visible when run returns")
    }

    @Test func workersTakeParts() {
        // Parts are claimed, so the caller may run them all when a worker is slow to wake; a part that
        // sleeps leaves the worker time (and a core) to claim the other.
        let runner = ParallelRunner(parts: 2)
        var threads = Set<UInt>()
        let lock = NSLock()
        for _ in 0..<20 {
            runner.run { _ in
                usleep(1_000)
                lock.withLock { _ = threads.insert(UInt(pthread_self())) }
            }
        }
        #expect(threads.count == 2)
    }

    @Test func sharesCoverTheRangeWithoutOverlap() {
        let runner = ParallelRunner(parts: 3)
        for count in [0, 1, 2, 197, 1576] {
            let shares = (0..<3).map { runner.range(of: count, part: $0) }
            #expect(shares.map(\.count).reduce(0, +) == count)
            #expect(shares[0].lowerBound == 0 && shares[2].upperBound == count)
            #expect(shares[0].upperBound == shares[1].lowerBound && shares[1].upperBound == shares[2].lowerBound)
        }
    }
}
