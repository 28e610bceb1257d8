/// How one request went.
public enum RequestRecord: Sendable, Equatable {
    case success(RequestTiming)
    /// `kind` is what failures are counted by: an error code of the protocol (`worker_lost`,
    /// `no_live_worker`, …), a transport failure (`connection_refused`, `timeout`, …) or `http_NNN`.
    case failure(kind: String, message: String)

    /// The timing of a request that ended well; `nil` for a failure.
    public var timing: RequestTiming? {
        if case .success(let timing) = self { timing } else { nil }
    }
}

/// The times and token counts of a request that ended well, and its answer.
public struct RequestTiming: Sendable, Equatable {
    /// From sending to the first token.
    public var timeToFirstToken: Duration
    /// Between successive arrivals of tokens (a chunk or PARTIAL may carry several).
    public var interTokenLatencies: [Duration]
    /// From sending to the end.
    public var latency: Duration
    /// Prompt tokens, images included, as the server counted them.
    public var inputTokens: Int
    public var outputTokens: Int
    /// Of `inputTokens`, those whose KV the server took from its prefix cache; `nil` when the
    /// server did not say (an HTTP usage without `prompt_tokens_details.cached_tokens`).
    public var cachedTokens: Int?
    /// The text generated, as received.
    public var answer: String

    public init(
        timeToFirstToken: Duration, interTokenLatencies: [Duration], latency: Duration, inputTokens: Int, outputTokens: Int,
        cachedTokens: Int? = nil, answer: String = ""
    ) {
        self.timeToFirstToken = timeToFirstToken
        self.interTokenLatencies = interTokenLatencies
        self.latency = latency
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedTokens = cachedTokens
        self.answer = answer
    }

    /// Time per output token after the first; `nil` with fewer than two tokens.
    public var timePerOutputToken: Duration? {
        outputTokens > 1 ? (latency - timeToFirstToken) / (outputTokens - 1) : nil
    }
}
