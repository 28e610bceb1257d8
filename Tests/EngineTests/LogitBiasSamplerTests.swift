import Foundation
import Testing
@testable import Engine

/// `SamplerSettings.logitBias`: added to the logits before the penalties and the pick, greedy or not.
@Suite struct LogitBiasSamplerTests {
    let scratch = SamplerScratch(vocabularySize: 16)
    let logits: [Float] = [0.5, 3, -1, 2.5, 1, 0]

    func draw(_ settings: SamplerSettings, _ logits: [Float], count: Int = 200) -> [Int32] {
        var sampler = Sampler(settings)
        return (0..<count).map { _ in
            let token = logits.withUnsafeBufferPointer { sampler.sample($0, scratch: scratch) }
            sampler.accept(token)
            return token
        }
    }

    @Test func aBanMovesTheGreedyPickToTheNextBest() {
        var s = SamplerSettings.greedy
        #expect(draw(s, logits, count: 1) == [1])
        s.logitBias = [TokenBias(token: 1, bias: -100)]
        #expect(draw(s, logits, count: 1) == [3])
    }

    @Test func plusOneHundredForcesAToken() {
        var greedy = SamplerSettings.greedy
        greedy.logitBias = [TokenBias(token: 2, bias: 100)]
        #expect(Set(draw(greedy, logits, count: 20)) == [2])
        var random = SamplerSettings()
        random.seed = 5
        random.temperature = 1.5
        random.logitBias = [TokenBias(token: 5, bias: 100)]
        #expect(Set(draw(random, logits)) == [5])
    }

    @Test func aBanHoldsAgainstSamplingAndPenalties() {
        var s = SamplerSettings()
        s.seed = 9
        s.temperature = 2
        s.presencePenalty = 2
        s.frequencyPenalty = 1
        s.repetitionPenalty = 1.3
        s.logitBias = [TokenBias(token: 1, bias: -100), TokenBias(token: 3, bias: -100)]
        let tokens = draw(s, logits)
        #expect(!tokens.contains(1) && !tokens.contains(3))
        // Without the ban both come up.
        s.logitBias = []
        let free = Set(draw(s, logits))
        #expect(free.contains(1) && free.contains(3))
    }

    /// The bias comes before the penalties: token 3 (2.5, in the prompt) biased by +2 and then
    /// halved is 2.25, below token 1's 3; halved first and then biased it would be 3.25.
    @Test func biasIsAddedBeforeTheRepetitionPenalty() {
        var s = SamplerSettings.greedy
        s.repetitionPenalty = 2
        s.logitBias = [TokenBias(token: 3, bias: 2)]
        var sampler = Sampler(s, prompt: [3])
        #expect(logits.withUnsafeBufferPointer { sampler.sample($0, scratch: scratch) } == 1)
    }

    @Test func withoutBiasTheTokensAreBitIdentical() {
        var plain = SamplerSettings()
        plain.seed = 42
        plain.temperature = 0.8
        plain.topP = 0.9
        var empty = plain
        empty.logitBias = []
        var zero = plain
        zero.logitBias = [TokenBias(token: 0, bias: 0)]
        let reference = draw(plain, logits, count: 500)
        #expect(draw(empty, logits, count: 500) == reference)
        #expect(draw(zero, logits, count: 500) == reference)
        var penalised = plain
        penalised.frequencyPenalty = 0.5
        var penalisedZero = penalised
        penalisedZero.logitBias = [TokenBias(token: 4, bias: 0)]
        #expect(draw(penalisedZero, logits, count: 500) == draw(penalised, logits, count: 500))
    }

    @Test func tokensPastTheRowAreIgnored() {
        var s = SamplerSettings.greedy
        s.logitBias = [TokenBias(token: 99, bias: 100), TokenBias(token: -1, bias: 100)]
        #expect(draw(s, logits, count: 1) == [1])
    }
}
