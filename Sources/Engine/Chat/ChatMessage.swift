public enum ChatRole: String, Sendable, Equatable, CaseIterable {
    case system, user, assistant
}

/// One part of a message's content: text, or an image whose place in the prompt is marked by
/// `ChatTemplate.imageMarker`.
public enum ChatContentPart: Sendable, Equatable {
    case text(String)
    case image
}

public struct ChatMessage: Sendable, Equatable {
    public var role: ChatRole
    public var content: [ChatContentPart]

    public init(role: ChatRole, content: [ChatContentPart]) {
        self.role = role
        self.content = content
    }

    public init(role: ChatRole, text: String) {
        self.init(role: role, content: [.text(text)])
    }

    /// The content as prompt text: parts in order, each image as the marker, with a newline between
    /// an image and a neighbouring part (LLaVA's "<image>\nquestion"); text parts join directly.
    var renderedContent: String {
        var result = ""
        var previous: ChatContentPart?
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
