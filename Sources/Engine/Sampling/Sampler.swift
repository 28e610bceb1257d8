#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One sequence's token picker: its settings, its random stream, and what its penalties look at —
/// the last `repetitionWindow` tokens (prompt and generated) for the repetition penalty, and how often
/// each token was generated for the frequency and presence penalties. Buffers for a step come from a
/// `SamplerScratch`, so sampling allocates nothing once warm.
public struct Sampler: Sendable {
    public let settings: SamplerSettings
    private var random: RandomSource
    /// The last `repetitionWindow` tokens as a ring: their order does not matter to the penalty.
    private var recent: [Int32] = []
    private var oldest = 0
    /// Generated tokens and how often each came.
    private var generatedCounts: [Int32: Int32] = [:]

    public init(_ settings: SamplerSettings, prompt: [Int32] = []) {
        self.settings = settings
        random = RandomSource(seed: settings.seed ?? UInt64.random(in: .min ... .max))
        if settings.hasRepetitionPenalty {
            recent.reserveCapacity(settings.repetitionWindow)
            for token in prompt.suffix(settings.repetitionWindow) { remember(token) }
        }
    }

    /// Records a generated token (for the penalties).
    public mutating func accept(_ token: Int32) {
        if settings.hasRepetitionPenalty { remember(token) }
        if settings.hasOccurrencePenalties { generatedCounts[token, default: 0] += 1 }
    }

    /// Picks the next token from one row of logits.
    public mutating func sample(_ logits: UnsafeBufferPointer<Float>, scratch: SamplerScratch) -> Int32 {
        guard settings.adjustsLogits else { return pick(logits, scratch) }
        precondition(logits.count <= scratch.logits.count, "the scratch was made for a smaller vocabulary")
        let penalised = UnsafeMutableBufferPointer(rebasing: scratch.logits[..<logits.count])
        _ = penalised.update(fromContentsOf: logits)
        for entry in settings.logitBias where entry.token >= 0 && Int(entry.token) < logits.count {
            penalised[Int(entry.token)] += entry.bias
        }
        if settings.hasPenalties { applyPenalties(penalised, scratch) }
        return pick(UnsafeBufferPointer(penalised), scratch)
    }

    private mutating func remember(_ token: Int32) {
        if recent.count < settings.repetitionWindow {
            recent.append(token)
        } else {
            recent[oldest] = token
            oldest = (oldest + 1) % recent.count
        }
    }

    private func applyPenalties(_ logits: UnsafeMutableBufferPointer<Float>, _ scratch: SamplerScratch) {
        let s = settings
        if s.hasRepetitionPenalty {
            // Once per distinct token of the window, as llama.cpp counts them.
            scratch.tokens.removeAll(keepingCapacity: true)
            scratch.tokens.append(contentsOf: recent)
            scratch.tokens.sort()
            var previous: Int32 = -1
            for token in scratch.tokens where token != previous && Int(token) < logits.count {
                previous = token
                let l = logits[Int(token)]
                logits[Int(token)] = l > 0 ? l / s.repetitionPenalty : l * s.repetitionPenalty
            }
        }
        for (token, count) in generatedCounts where Int(token) < logits.count {
            logits[Int(token)] -= Float(count) * s.frequencyPenalty + s.presencePenalty
        }
    }

    private mutating func pick(_ logits: UnsafeBufferPointer<Float>, _ scratch: SamplerScratch) -> Int32 {
        settings.isGreedy ? argmax(logits) : sampleFromDistribution(logits, scratch)
    }

    private mutating func sampleFromDistribution(_ logits: UnsafeBufferPointer<Float>, _ scratch: SamplerScratch) -> Int32 {
        let s = settings
        let maxLogit = logits.max() ?? 0
        // Tokens more than e^-20 times less likely than the best cannot matter to any cut below;
        // leaving them out keeps the sort short.
        let floor = maxLogit - 20 * s.temperature
        scratch.candidates.removeAll(keepingCapacity: true)
        for (i, l) in logits.enumerated() where l >= floor { scratch.candidates.append((Int32(i), l)) }
        scratch.candidates.sort { $0.p > $1.p || ($0.p == $1.p && $0.id < $1.id) }
        if s.topK > 0, scratch.candidates.count > s.topK { scratch.candidates.removeLast(scratch.candidates.count - s.topK) }
        return scratch.candidates.withUnsafeMutableBufferPointer { candidates in
            // Softmax at the temperature.
            var sum: Float = 0
            for i in candidates.indices {
                let e = expf((candidates[i].p - maxLogit) / s.temperature)
                candidates[i].p = e
                sum += e
            }
            var keep = candidates.count
            if s.minP > 0 {
                let threshold = s.minP * candidates[0].p
                keep = candidates.prefix(keep).firstIndex { $0.p < threshold } ?? keep
            }
            if s.topP < 1 {
                var cumulative: Float = 0
                for i in 0..<keep {
                    cumulative += candidates[i].p / sum
                    if cumulative >= s.topP {
                        keep = i + 1
                        break
                    }
                }
            }
            keep = max(keep, 1)
            let total = candidates.prefix(keep).reduce(0) { $0 + $1.p }
            var r = random.unit() * total
            for c in candidates.prefix(keep) {
                r -= c.p
                if r < 0 { return c.id }
            }
            return candidates[keep - 1].id
        }
    }
}

/// The index of the largest logit (the first, on ties).
public func argmax(_ logits: UnsafeBufferPointer<Float>) -> Int32 {
    var best = 0
    var bestValue = -Float.infinity
    for (i, l) in logits.enumerated() where l > bestValue {
        best = i
        bestValue = l
    }
    return Int32(best)
}

/// Buffers `Sampler.sample` works in, one set per compute thread, sized once for the vocabulary.
public final class SamplerScratch {
    /// A penalised copy of one row of logits.
    let logits: UnsafeMutableBufferPointer<Float>
    var candidates: [(id: Int32, p: Float)] = []
    /// The repetition window, sorted.
    var tokens: [Int32] = []

    public init(vocabularySize: Int) {
        logits = .allocate(capacity: vocabularySize)
        candidates.reserveCapacity(vocabularySize)
        tokens.reserveCapacity(256)
    }

    deinit { logits.deallocate() }
}
