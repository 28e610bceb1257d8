/// One turn of a conversation as a chat template renders it: who speaks, and text with the places of
/// images (each rendered as `ChatTemplate.imageMarker`). The wire's `ChatMessage` also says which of
/// the request's images goes where; the template needs only that one goes there.
public struct ChatTurn: Sendable, Equatable {
    public enum Role: String, Sendable, Equatable, CaseIterable {
        case system, user, assistant
        /// A tool's result, answering one of the assistant's calls.
        case tool
    }

    public enum Part: Sendable, Equatable {
        case text(String)
        case image
    }

    public var role: Role
    public var content: [Part]
    /// An assistant turn's tool calls, rendered in the template's tool-call syntax after its text.
    public var toolCalls: [ChatToolCall]

    public init(role: Role, content: [Part], toolCalls: [ChatToolCall] = []) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
    }

    public init(role: Role, text: String) {
        self.init(role: role, content: [.text(text)])
    }

    /// The content as prompt text: parts in order, each image as the marker, with a newline between
    /// an image and a neighbouring part (LLaVA's "<image>\nquestion"); text parts join directly.
    var renderedContent: String {
        var result = ""
        var previous: Part?
        for part in content {
            if previous == .image || (part == .image && previous != nil) { result += "\n" }
            switch part {
            case .text(let text): result += text
            case .image: result += ChatTemplate.imageMarker
            }
            previous = part
        }
        return result
    }
}
