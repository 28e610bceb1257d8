/// What `Scheduler.submit` did with a request.
public enum SubmitResult: Sendable, Equatable {
    /// Waiting, behind every request submitted before it.
    case queued
    case refused(SubmitRefusal)
}

/// Why a request can never run on this worker: refused at once rather than queued forever.
public enum SubmitRefusal: Error, Sendable, Equatable {
    case emptyPrompt
    case noTokensRequested
    /// The id names a sequence still waiting or running.
    case duplicateID
    /// Prompt items plus `maxTokens` pass the model's context length.
    case exceedsContext(needed: Int, contextLength: Int)
    /// Even alone, the sequence's KV would not fit the whole pool.
    case exceedsKVPool(neededBlocks: Int, blockCount: Int)
}
