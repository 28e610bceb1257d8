import Foundation
import Testing
@testable import Engine

/// Every knob of the sampler, on hand-made rows of logits: greedy, temperature, top-k, top-p, min-p,
/// the three penalties and seeds.
@Suite struct SamplerTests {
    let scratch = SamplerScratch(vocabularySize: 16)

    func pick(_ sampler: inout Sampler, _ logits: [Float]) -> Int32 {
        logits.withUnsafeBufferPointer { sampler.sample($0, scratch: scratch) }
    }

    func settings(_ change: (inout SamplerSettings) -> Void) -> SamplerSettings {
        var s = SamplerSettings()
        change(&s)
        return s
    }

    /// How often each token comes in `draws` samples of one row.
    func histogram(_ s: SamplerSettings, _ logits: [Float], draws: Int = 4000) -> [Int32: Int] {
        var sampler = Sampler(s)
        var counts: [Int32: Int] = [:]
        for _ in 0..<draws { counts[pick(&sampler, logits), default: 0] += 1 }
        return counts
    }

    @Test func greedyTakesTheLargestLogitAndTheFirstOnTies() {
        var sampler = Sampler(.greedy)
        #expect(pick(&sampler, [0.1, 3, -2, 2.9]) == 1)
        #expect(pick(&sampler, [1, 5, 5, 0]) == 1)
    }

    @Test func temperatureSamplesTheSoftmax() {
        // p(1) = 3/4 at temperature 1; 3^(1/0.5) / (1 + 3^2) = 9/10 at temperature 0.5.
        let logits: [Float] = [0, Float(log(3.0))]
        let warm = histogram(settings { $0.seed = 1 }, logits)
        #expect(abs(Double(warm[1] ?? 0) / 4000 - 0.75) < 0.03)
        let cool = histogram(settings { $0.seed = 1; $0.temperature = 0.5 }, logits)
        #expect(abs(Double(cool[1] ?? 0) / 4000 - 0.9) < 0.02)
    }

    @Test func sameSeedSameTokensOtherSeedOtherTokens() {
        let logits: [Float] = [1, 1.2, 0.9, 1.1, 1, 0.8]
        func draw(_ seed: UInt64) -> [Int32] {
            var sampler = Sampler(settings { $0.seed = seed })
            return (0..<64).map { _ in pick(&sampler, logits) }
        }
        #expect(draw(7) == draw(7))
        #expect(draw(7) != draw(8))
    }

    @Test func topKKeepsTheKLikeliest() {
        let counts = histogram(settings { $0.seed = 3; $0.topK = 2; $0.temperature = 5 }, [1, 4, 0, 3, 2])
        #expect(Set(counts.keys) == [1, 3])
    }

    @Test func topPKeepsTheSmallestSetReachingP() {
        // Probabilities 0.5, 0.3, 0.2 (logits are their logs): top-p 0.7 needs the first two.
        let logits = [0.5, 0.3, 0.2].map { Float(log($0)) }
        #expect(Set(histogram(settings { $0.seed = 4; $0.topP = 0.7 }, logits).keys) == [0, 1])
        #expect(Set(histogram(settings { $0.seed = 4; $0.topP = 0.4 }, logits).keys) == [0])
    }

    @Test func minPDropsTokensFarBelowTheBest() {
        // Relative to the best (0.5): 0.3 is 0.6 of it, 0.2 is 0.4.
        let logits = [0.5, 0.3, 0.2].map { Float(log($0)) }
        #expect(Set(histogram(settings { $0.seed = 5; $0.minP = 0.5 }, logits).keys) == [0, 1])
    }

    @Test func repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits() {
        var positive = Sampler(settings { $0.temperature = 0; $0.repetitionPenalty = 1.5 }, prompt: [0])
        #expect(pick(&positive, [2, 1.5]) == 1)  // 2 / 1.5 < 1.5
        var negative = Sampler(settings { $0.temperature = 0; $0.repetitionPenalty = 1.5 }, prompt: [0])
        #expect(pick(&negative, [-1, -1.2]) == 1)  // -1 × 1.5 < -1.2
    }

    @Test func repetitionPenaltyCountsEachTokenOnceWithinItsWindow() {
        // Once: 2 / 1.5 = 1.33 > 1; compounded three times it would be 0.59.
        var repeated = Sampler(settings { $0.temperature = 0; $0.repetitionPenalty = 1.5 }, prompt: [0, 0, 0])
        #expect(pick(&repeated, [2, 1]) == 0)
        // A window of two holds only the last two tokens: token 0 has left it.
        var windowed = Sampler(settings { $0.temperature = 0; $0.repetitionPenalty = 1.5; $0.repetitionWindow = 2 }, prompt: [0, 5, 6])
        #expect(pick(&windowed, [2, 1.5]) == 0)
        windowed.accept(0)
        #expect(pick(&windowed, [2, 1.5]) == 1)
    }

    @Test func frequencyPenaltyCountsGeneratedTokensOnly() {
        var sampler = Sampler(settings { $0.temperature = 0; $0.frequencyPenalty = 0.2 }, prompt: [0, 0, 0, 0, 0])
        #expect(pick(&sampler, [2, 1.5]) == 0)  // the prompt's tokens do not count
        sampler.accept(0)
        sampler.accept(0)
        #expect(pick(&sampler, [2, 1.5]) == 0)  // 2 − 2 × 0.2 = 1.6
        sampler.accept(0)
        #expect(pick(&sampler, [2, 1.5]) == 1)  // 2 − 3 × 0.2 = 1.4
    }

    @Test func presencePenaltyIsSubtractedOncePerGeneratedToken() {
        var sampler = Sampler(settings { $0.temperature = 0; $0.presencePenalty = 0.3 }, prompt: [0])
        #expect(pick(&sampler, [2, 1.8]) == 0)
        sampler.accept(0)
        #expect(pick(&sampler, [2, 1.8]) == 1)  // 2 − 0.3 = 1.7
        sampler.accept(1)
        sampler.accept(1)
        #expect(pick(&sampler, [2, 1.8]) == 0)  // 1.7 against 1.5: presence does not grow with count
    }

    @Test func penaltiesLeaveTheCallersLogitsAlone() {
        var sampler = Sampler(settings { $0.temperature = 0; $0.repetitionPenalty = 2; $0.frequencyPenalty = 1 }, prompt: [0])
        sampler.accept(0)
        let logits: [Float] = [2, 1.5]
        _ = pick(&sampler, logits)
        #expect(logits == [2, 1.5])
    }
}
