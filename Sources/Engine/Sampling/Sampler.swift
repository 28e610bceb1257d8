#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One sequence's token picker: its parameters, its random stream and the recent tokens its penalties
/// look at. Scratch for the candidate list is passed in, so sampling allocates nothing once warm.
public struct Sampler: Sendable {
    public let parameters: SamplingParameters
    private var random: RandomSource
    /// The last `penaltyWindow` tokens (prompt and generated), oldest first.
    private var window: [Int32] = []

    public init(_ parameters: SamplingParameters, prompt: [Int32] = []) {
        self.parameters = parameters
        random = RandomSource(seed: parameters.seed ?? UInt64.random(in: .min ... .max))
        if parameters.hasPenalties { window = Array(prompt.suffix(parameters.penaltyWindow)) }
    }

    /// Records a generated token (for the penalties).
    public mutating func accept(_ token: Int32) {
        guard parameters.hasPenalties else { return }
        if window.count == parameters.penaltyWindow { window.removeFirst() }
        window.append(token)
    }

    /// Picks the next token from one row of logits.
    public mutating func sample(_ logits: UnsafeBufferPointer<Float>, scratch: inout SamplerScratch) -> Int32 {
        guard parameters.hasPenalties else { return pick(logits, &scratch.candidates) }
        scratch.logits.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: logits.baseAddress!, count: logits.count) }
        applyPenalties(&scratch.logits)
        return scratch.logits.withUnsafeBufferPointer { pick($0, &scratch.candidates) }
    }

    private mutating func pick(_ logits: UnsafeBufferPointer<Float>, _ candidates: inout [(id: Int32, p: Float)]) -> Int32 {
        parameters.isGreedy ? argmax(logits) : sampleFromDistribution(logits, &candidates)
    }

    private func applyPenalties(_ logits: inout [Float]) {
        let p = parameters
        var counts: [Int32: Int] = [:]
        for t in window { counts[t, default: 0] += 1 }
        for (token, count) in counts where Int(token) < logits.count {
            var l = logits[Int(token)]
            if p.repetitionPenalty != 1 { l = l > 0 ? l / p.repetitionPenalty : l * p.repetitionPenalty }
            l -= Float(count) * p.frequencyPenalty + p.presencePenalty
            logits[Int(token)] = l
        }
    }

    private mutating func sampleFromDistribution(_ logits: UnsafeBufferPointer<Float>,
                                                 _ candidates: inout [(id: Int32, p: Float)]) -> Int32 {
        let p = parameters
        let maxLogit = logits.max() ?? 0
        // Tokens more than e^-20 times less likely than the best cannot matter to any cut below;
        // leaving them out keeps the sort short.
        let floor = maxLogit - 20 * p.temperature
        candidates.removeAll(keepingCapacity: true)
        for (i, l) in logits.enumerated() where l >= floor { candidates.append((Int32(i), l)) }
        candidates.sort { $0.p > $1.p || ($0.p == $1.p && $0.id < $1.id) }
        if p.topK > 0, candidates.count > p.topK { candidates.removeLast(candidates.count - p.topK) }

        // Softmax at the temperature.
        var sum: Float = 0
        for i in candidates.indices {
            let e = expf((candidates[i].p - maxLogit) / p.temperature)
            candidates[i].p = e
            sum += e
        }
        var keep = candidates.count
        if p.minP > 0 {
            let threshold = p.minP * candidates[0].p
            keep = candidates.prefix(keep).firstIndex { $0.p < threshold } ?? keep
        }
        if p.topP < 1 {
            var cumulative: Float = 0
            for i in 0..<keep {
                cumulative += candidates[i].p / sum
                if cumulative >= p.topP {
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

/// Reusable buffers for `Sampler.sample`, one per compute thread.
public struct SamplerScratch {
    var logits: [Float]
    var candidates: [(id: Int32, p: Float)] = []

    public init(vocabularySize: Int) {
        logits = [Float](repeating: 0, count: vocabularySize)
        candidates.reserveCapacity(vocabularySize)
    }
}
