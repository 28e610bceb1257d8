#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The log-probabilities a request asked for at one step: the sampled token's, and the `top` most
/// likely tokens', all from the log-softmax of the model's raw logits (before temperature, penalties
/// and any cut), as vLLM reports them by default.
public struct TokenLogprobs: Sendable, Equatable {
    public var token: Int32
    public var logprob: Float
    /// Most likely first; ties in id order.
    public var top: [TopLogprob]

    public init(token: Int32, logprob: Float, top: [TopLogprob]) {
        self.token = token
        self.logprob = logprob
        self.top = top
    }

    /// The most log-probabilities one step reports beside the sampled token's (OpenAI's limit).
    public static let maxTop = 20

    /// Computes them from one row of raw logits in one pass for the normaliser (a max-subtracted sum
    /// of exponentials, in Double) and one for the top `count` (a partial selection: each logit is
    /// compared with the smallest kept, so O(vocabulary) for the bounded `count`).
    public init(token: Int32, logits: UnsafeBufferPointer<Float>, top count: Int) {
        let count = min(max(count, 0), Self.maxTop, logits.count)
        let maxLogit = Double(logits.max() ?? 0)
        var sum = 0.0
        for l in logits { sum += exp(Double(l) - maxLogit) }
        let logNormaliser = maxLogit + log(sum)
        func normalised(_ l: Float) -> Float {
            // Finite on the wire: a token the model rules out entirely is as unlikely as a Float says.
            Float(max(Double(l) - logNormaliser, -Double(Float.greatestFiniteMagnitude)))
        }
        // Kept sorted, most likely first; a logit enters only if above the last kept.
        var kept: [(id: Int32, l: Float)] = []
        kept.reserveCapacity(count + 1)
        if count > 0 {
            for (i, l) in logits.enumerated() where kept.count < count || l > kept[kept.count - 1].l {
                var at = kept.count
                while at > 0, kept[at - 1].l < l { at -= 1 }
                kept.insert((Int32(i), l), at: at)
                if kept.count > count { kept.removeLast() }
            }
        }
        self.token = token
        logprob = Int(token) < logits.count && token >= 0 ? normalised(logits[Int(token)]) : -.greatestFiniteMagnitude
        top = kept.map { TopLogprob(token: $0.id, logprob: normalised($0.l)) }
    }
}

public struct TopLogprob: Sendable, Equatable {
    public var token: Int32
    public var logprob: Float

    public init(token: Int32, logprob: Float) {
        self.token = token
        self.logprob = logprob
    }
}
