/// One entry of `SamplingParameters.logitBias`: added to `token`'s logit before sampling (OpenAI's
/// `logit_bias`; −100 in effect bans the token, +100 in effect forces it).
public struct LogitBias: Sendable, Equatable {
    public var token: Int32
    /// −100…100.
    public var bias: Float

    public init(token: Int32, bias: Float) {
        self.token = token
        self.bias = bias
    }

    /// The range the HTTP front door takes, as OpenAI's.
    public static let range: ClosedRange<Float> = -100...100
}
