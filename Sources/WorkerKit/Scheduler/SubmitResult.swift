/// What `Scheduler.submit` did with a request.
public enum SubmitResult: Sendable, Equatable {
    /// Waiting, behind every request submitted before it.
    case queued
    case refused(SubmitRefusal)
}

/// Why a request can never run on this worker: refused at once rather than queued forever.
public enum SubmitRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case emptyPrompt
    case noTokensRequested
    /// The id names a sequence still waiting or running.
    case duplicateID
    /// Prompt items plus `maxTokens` pass the model's context length.
    case exceedsContext(needed: Int, contextLength: Int)
    /// Even alone, the sequence's KV would not fit the whole pool.
    case exceedsKVPool(neededBlocks: Int, blockCount: Int)

    public var description: String {
        switch self {
        case .emptyPrompt: "the prompt is empty"
        case .noTokensRequested: "max_tokens must be at least 1"
        case .duplicateID: "a request with this id is already running"
        case .exceedsContext(let needed, let contextLength):
            "the prompt plus max_tokens needs \(needed) positions; the model's context is \(contextLength)"
        case .exceedsKVPool(let neededBlocks, let blockCount):
            "the prompt plus max_tokens needs \(neededBlocks) KV blocks; this worker has \(blockCount) in all"
        }
    }
}
