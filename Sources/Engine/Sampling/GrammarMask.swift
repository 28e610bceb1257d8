/// A grammar's token mask laid over one row of logits: tokens the grammar forbids get -∞, so any
/// sampler, greedy or not, picks among the allowed ones. Bit `i % 32` of word `i / 32` is token `i`.
public enum GrammarMask {
    /// The words a mask over `vocabularySize` tokens takes.
    public static func wordCount(vocabularySize: Int) -> Int { (vocabularySize + 31) / 32 }

    /// Writes `logits` masked by `mask` into `masked`; false when the mask allows no token at all.
    public static func apply(
        _ mask: UnsafeBufferPointer<UInt32>, to logits: UnsafeBufferPointer<Float>, into masked: UnsafeMutableBufferPointer<Float>
    ) -> Bool {
        var anyAllowed = false
        let count = logits.count
        for word in 0..<wordCount(vocabularySize: count) {
            let bits = mask[word]
            let start = word * 32
            let end = min(start + 32, count)
            if bits == 0 {
                for i in start..<end { masked[i] = -.infinity }
                continue
            }
            anyAllowed = true
            if bits == .max {
                for i in start..<end { masked[i] = logits[i] }
            } else {
                for i in start..<end { masked[i] = bits & (1 << UInt32(i - start)) != 0 ? logits[i] : -.infinity }
            }
        }
        return anyAllowed
    }
}

/// One step's buffers for constrained sampling, made once per executor: the mask, and the masked
/// copy of a row of logits.
public final class GrammarScratch {
    public let mask: UnsafeMutableBufferPointer<UInt32>
    public let masked: UnsafeMutableBufferPointer<Float>

    public init(vocabularySize: Int) {
        mask = .allocate(capacity: GrammarMask.wordCount(vocabularySize: vocabularySize))
        masked = .allocate(capacity: vocabularySize)
    }

    deinit {
        mask.deallocate()
        masked.deallocate()
    }
}
