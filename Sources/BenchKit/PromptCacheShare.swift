/// How much of the prompts the server's prefix cache supplied: the sum of cached tokens over the
/// sum of prompt tokens, over the successful requests whose usage said how many were cached (a
/// server without a prefix cache may not say at all, which is not the same as saying 0).
public struct PromptCacheShare: Sendable, Equatable {
    /// Successful requests looked at.
    public var requests: Int
    /// Of those, the ones whose usage reported cached tokens.
    public var reporting: Int
    /// Prompt tokens (images included) of the reporting requests.
    public var promptTokens: Int
    public var cachedTokens: Int

    public init(_ timings: [RequestTiming]) {
        requests = timings.count
        let reported = timings.filter { $0.cachedTokens != nil }
        reporting = reported.count
        promptTokens = reported.reduce(0) { $0 + $1.inputTokens }
        cachedTokens = reported.reduce(0) { $0 + ($1.cachedTokens ?? 0) }
    }

    /// Cached over prompt tokens, from 0 to 1; `nil` when no request reported, or none had a prompt.
    public var share: Double? {
        reporting > 0 && promptTokens > 0 ? Double(cachedTokens) / Double(promptTokens) : nil
    }
}
