import Engine

/// The limits one worker's batch loop runs under.
public struct SchedulerConfig: Sendable, Equatable {
    /// Sequences running at once; also the number of KV slots, numbered `0..<maxRunning`.
    public let maxRunning: Int
    /// Items one step may feed, over all sequences.
    public let maxBatchTokens: Int
    /// Items one prefilling sequence may feed in one step.
    public let prefillChunk: Int
    /// The KV pool the plans are made for: the executor's `KVCache` is built from the same layout.
    public let kv: KVLayout
    /// Longest sequence (prompt items plus generated tokens) the model takes.
    public let contextLength: Int
    /// Whether full KV blocks stay cached after their sequence ends, for later prompts that begin with
    /// the same items.
    public let prefixCaching: Bool
    /// Seconds one step should take, judged by `Scheduler.stepCost`; `nil`: steps are bounded by
    /// `maxBatchTokens` alone. Decodes always run; prefill chunks shrink to what is left of it, but
    /// the oldest prefill gets at least a quarter of it (and one item) every step, so it advances
    /// however many streams decode.
    public let stepTarget: Double?
    /// How many later requests may be admitted ahead of a waiting one the KV pool cannot hold yet.
    /// Beyond it, nobody passes: the pool frees up for it as running sequences end.
    public let passLimit: Int
    /// The most seconds of vision tower work one step runs while images wait; `nil`: what the step
    /// target leaves after the decodes (at least a quarter of it), or whole passes without a target.
    public let visionBudget: Double?

    /// Refuses settings under which the scheduler could not keep its promises: every one must be at
    /// least 1, and the budget must hold one decode token for every slot.
    public init(
        maxRunning: Int, maxBatchTokens: Int, prefillChunk: Int, kv: KVLayout, contextLength: Int,
        prefixCaching: Bool = false, stepTarget: Double? = nil, passLimit: Int? = nil, visionBudget: Double? = nil
    ) throws(SchedulerConfigError) {
        let settings = [
            ("maxRunning", maxRunning), ("maxBatchTokens", maxBatchTokens), ("prefillChunk", prefillChunk),
            ("contextLength", contextLength),
        ]
        for (name, value) in settings where value < 1 { throw .notPositive(setting: name) }
        if let stepTarget, !(stepTarget > 0) { throw .notPositive(setting: "stepTarget") }
        if let visionBudget, !(visionBudget > 0) { throw .notPositive(setting: "visionBudget") }
        guard maxBatchTokens >= maxRunning else { throw .budgetBelowMaxRunning }
        self.maxRunning = maxRunning
        self.maxBatchTokens = maxBatchTokens
        self.prefillChunk = prefillChunk
        self.kv = kv
        self.contextLength = contextLength
        self.prefixCaching = prefixCaching
        self.stepTarget = stepTarget
        self.passLimit = max(passLimit ?? maxRunning, 0)
        self.visionBudget = visionBudget
    }
}

public enum SchedulerConfigError: Error, Sendable, Equatable {
    case notPositive(setting: String)
    /// `maxBatchTokens < maxRunning`: a full house of decoding sequences would not fit one step.
    case budgetBelowMaxRunning
}
