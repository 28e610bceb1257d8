import Foundation
import Testing
@testable import Engine

/// The vision tower's fork-join runner: every part runs exactly once per step, each step sees the
/// previous step's writes, and parts run on different threads.
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

    @Test func partsRunOnSeparateThreads() {
        let runner = ParallelRunner(parts: 2)
        var threads = [UInt](repeating: 0, count: 2)
        threads.withUnsafeMutableBufferPointer { threads in
            runner.run { part in threads[part] = UInt(pthread_self()) }
        }
        #expect(threads[0] != threads[1] && threads.allSatisfy { $0 != 0 })
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
