/// How one sequence picks its tokens from the logits. The neutral value of each knob turns it off;
/// the defaults are plain sampling at temperature 1.
public struct SamplerSettings: Sendable, Equatable {
    /// 0 or less: greedy.
    public var temperature: Float = 1
    /// 0: off.
    public var topK: Int = 0
    /// 1: off.
    public var topP: Float = 1
    /// 0: off. Drops tokens less likely than `minP` × the most likely one.
    public var minP: Float = 0
    /// 1: off. llama.cpp's `repeat_penalty`: over the last `repetitionWindow` tokens, prompt and
    /// generated alike, each distinct token's logit is divided by it when positive, multiplied when
    /// negative.
    public var repetitionPenalty: Float = 1
    /// llama.cpp's `repeat_last_n`.
    public var repetitionWindow: Int = 64
    /// OpenAI's `frequency_penalty`: subtracted from a token's logit once per time the token was
    /// generated so far (prompt tokens do not count).
    public var frequencyPenalty: Float = 0
    /// OpenAI's `presence_penalty`: subtracted once from the logit of every token generated so far.
    public var presencePenalty: Float = 0
    /// Same seed, same settings, same prompt: same tokens. nil: a seed drawn at random.
    public var seed: UInt64?
    /// nil: no log-probabilities. Otherwise each token's, with this many (0 to `TokenLogprobs.maxTop`)
    /// of the most likely tokens' beside it (`TokenLogprobs`).
    public var logprobs: Int?
    /// OpenAI's `logit_bias`: each entry's bias added to its token's logit before the penalties, the
    /// greedy pick and the distribution (−100 in effect bans a token, +100 in effect forces it).
    /// Tokens past the vocabulary are ignored here; the worker refuses them before.
    public var logitBias: [TokenBias] = []
    /// With `logprobs`: also each prompt token's, from the logits of the position before it (the
    /// serving executor computes them as the prompt's chunks are, bypassing the prefix cache).
    public var promptLogprobs = false

    public init() {}

    public static var greedy: SamplerSettings {
        var s = SamplerSettings()
        s.temperature = 0
        return s
    }

    public var isGreedy: Bool { temperature <= 0 }
    var hasRepetitionPenalty: Bool { repetitionPenalty != 1 && repetitionWindow > 0 }
    var hasOccurrencePenalties: Bool { frequencyPenalty != 0 || presencePenalty != 0 }
    var hasPenalties: Bool { hasRepetitionPenalty || hasOccurrencePenalties }
    /// Whether the logits are changed before the pick: penalties or biases.
    var adjustsLogits: Bool { hasPenalties || !logitBias.isEmpty }
}

/// One entry of `SamplerSettings.logitBias`.
public struct TokenBias: Sendable, Equatable {
    public var token: Int32
    public var bias: Float

    public init(token: Int32, bias: Float) {
        self.token = token
        self.bias = bias
    }
}
