/// Where a streamed answer reports usage: as OpenAI's spec says, only when `stream_options.include_usage`
/// asks, in a last chunk of its own with no choices.
enum UsageReporting {
    case separateChunk
    case none

    init(_ options: StreamOptions?) {
        self = options?.includeUsage == true ? .separateChunk : .none
    }
}
