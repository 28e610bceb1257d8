/// How one request picks its tokens. Defaults are neutral: plain sampling at temperature 1.
public struct SamplingParameters: Sendable, Equatable {
    public var maxTokens: Int = 256
    /// 0 or less: greedy.
    public var temperature: Float = 1
    /// 0: off.
    public var topK: Int = 0
    /// 1: off.
    public var topP: Float = 1
    /// 0: off. Drops tokens less likely than `minP` × the most likely one.
    public var minP: Float = 0
    /// 1: off. llama.cpp's rule over the last `penaltyWindow` tokens: positive logits divided, negative multiplied.
    public var repetitionPenalty: Float = 1
    /// Subtracted once per occurrence in the window (OpenAI's frequency_penalty).
    public var frequencyPenalty: Float = 0
    /// Subtracted once if present in the window (OpenAI's presence_penalty).
    public var presencePenalty: Float = 0
    public var penaltyWindow: Int = 64
    /// Same seed, same parameters, same prompt: same tokens. nil: a seed drawn at random.
    public var seed: UInt64?
    public var stop: [String] = []
    /// Keep generating past end-of-generation tokens (benchmarks).
    public var ignoreEOS = false

    public init() {}

    public static var greedy: SamplingParameters {
        var p = SamplingParameters()
        p.temperature = 0
        return p
    }

    public var isGreedy: Bool { temperature <= 0 }
    public var hasPenalties: Bool { repetitionPenalty != 1 || frequencyPenalty != 0 || presencePenalty != 0 }
}
