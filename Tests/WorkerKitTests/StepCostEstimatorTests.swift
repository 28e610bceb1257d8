import TestSupport
import Testing
@testable import WorkerKit

/// The executor's cost model learns a machine's step times from a first guess far off.
@Suite struct StepCostEstimatorTests {
    /// Steps of a real mix (decodes alone, decodes beside prompt chunks at growing depth) timed by a
    /// hidden cost 5 to 30 times cheaper than the guess: after 200 of them, a prompt chunk's
    /// predicted time is within 15% of its true one, at any depth.
    @Test func learnsWhatPromptChunksCost() {
        let truth = StepCost(perStep: 3e-3, perItem: 2e-4, perLogitRow: 3e-4, perAttendedPosition: 1e-6)
        let guess = StepCost(perStep: 1e-3, perItem: 1e-3, perLogitRow: 3e-3, perAttendedPosition: 3e-5)
        var estimator = StepCostEstimator(guess: guess)
        var rng = SplitMix64(seed: 7)
        for step in 0..<200 {
            let decodes = 1 + Int(rng.next() % 8), depth = Int(rng.next() % 300)
            var items = decodes, rows = decodes, attended = Double(decodes) * Double(depth + 1)
            var seconds = truth.perStep + Double(decodes) * truth.of(count: 1, after: depth, logits: true)
            if step % 3 != 0 {
                let start = Int(rng.next() % 6000), count = 1 + Int(rng.next() % 200)
                items += count
                rows += 1
                attended += StepCost.attendedPositions(count: count, after: start)
                seconds += truth.of(count: count, after: start, logits: true)
            }
            estimator.record(items: items, logitRows: rows, attendedPositions: attended, seconds: seconds)
        }
        let learnt = estimator.current
        for (count, start) in [(256, 0), (64, 2000), (16, 6000)] {
            let predicted = learnt.perStep + learnt.of(count: count, after: start, logits: true)
            let actual = truth.perStep + truth.of(count: count, after: start, logits: true)
            #expect(abs(predicted - actual) / actual < 0.15, "\(count) items after \(start): \(predicted) s, truly \(actual) s")
        }
    }
}
