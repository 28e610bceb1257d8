/// Where a streamed answer reports usage.
enum UsageReporting {
    /// Without `stream_options`: on the chunk that carries the finish reason, the last before [DONE].
    case onFinishChunk
    /// `include_usage: true`, as OpenAI does it: a last chunk of its own with no choices.
    case separateChunk
    /// `include_usage: false`.
    case none

    init(_ options: StreamOptions?) {
        switch options?.includeUsage {
        case nil: self = .onFinishChunk
        case true?: self = .separateChunk
        case false?: self = .none
        }
    }
}
