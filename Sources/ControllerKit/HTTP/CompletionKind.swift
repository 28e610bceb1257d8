/// The two OpenAI endpoints that generate, which differ only in names and in how a choice holds text.
enum CompletionKind: Sendable {
    /// `/v1/chat/completions`
    case chat
    /// `/v1/completions`
    case text

    var idPrefix: String {
        switch self {
        case .chat: "chatcmpl-"
        case .text: "cmpl-"
        }
    }

    var object: String {
        switch self {
        case .chat: "chat.completion"
        case .text: "text_completion"
        }
    }

    var chunkObject: String {
        switch self {
        case .chat: "chat.completion.chunk"
        case .text: "text_completion"
        }
    }
}
