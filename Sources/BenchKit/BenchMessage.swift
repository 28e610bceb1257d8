import LoomProtocol

/// One chat message of a bench request: a role, its images (shown before the text) and its text.
public struct BenchMessage: Sendable, Equatable {
    public var role: Role
    public var text: String
    public var images: [ImageFile]

    public init(role: Role, text: String, images: [ImageFile] = []) {
        self.role = role
        self.text = text
        self.images = images
    }

    public static func system(_ text: String) -> BenchMessage { BenchMessage(role: .system, text: text) }
    public static func user(_ text: String, images: [ImageFile] = []) -> BenchMessage {
        BenchMessage(role: .user, text: text, images: images)
    }
    public static func assistant(_ text: String) -> BenchMessage { BenchMessage(role: .assistant, text: text) }
}

extension Role {
    /// The role's name in an OpenAI chat message.
    var openAIName: String {
        switch self {
        case .system: "system"
        case .user: "user"
        case .assistant: "assistant"
        case .tool: "tool"
        }
    }
}
