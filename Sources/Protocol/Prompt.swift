/// What the model is asked: a raw prompt, or chat messages for the model's chat template.
public enum Prompt: Sendable, Equatable {
    /// Images, if any, are used in body-frame order where the template puts them.
    case text(String)
    case chat([ChatMessage])
}

public struct ChatMessage: Sendable, Equatable {
    public var role: Role
    public var parts: [ContentPart]
    /// An assistant turn's calls of the request's tools.
    public var toolCalls: [ToolCall]
    /// A `tool` turn: the id of the call it answers.
    public var toolCallID: String?

    public init(role: Role, parts: [ContentPart], toolCalls: [ToolCall] = [], toolCallID: String? = nil) {
        self.role = role
        self.parts = parts
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }
}

public enum Role: UInt8, Sendable, CaseIterable {
    case system = 0
    case user = 1
    case assistant = 2
    /// A tool's result, answering one of the assistant's calls.
    case tool = 3
}

public enum ContentPart: Sendable, Equatable {
    case text(String)
    /// An index into the request's images (its body frames).
    case image(Int)
}

private enum PromptKind: UInt8 {
    case text = 0
    case chat = 1
}

private enum PartKind: UInt8 {
    case text = 0
    case image = 1
}

extension Prompt {
    func encode(to writer: inout WireWriter) {
        switch self {
        case .text(let text):
            writer.writeEnum(PromptKind.text)
            writer.writeString(text)
        case .chat(let messages):
            writer.writeEnum(PromptKind.chat)
            writer.writeList(messages) { $1.encode(to: &$0) }
        }
    }

    init(from reader: inout WireReader, imageCount: Int) throws(WireError) {
        switch try reader.readEnum(PromptKind.self, "prompt") {
        case .text:
            self = .text(try reader.readText("prompt.text"))
        case .chat:
            self = .chat(try reader.readList("prompt.messages", limit: reader.limits.maxMessages) {
                (reader: inout WireReader) throws(WireError) in try ChatMessage(from: &reader, imageCount: imageCount)
            })
        }
    }
}

extension ChatMessage {
    func encode(to writer: inout WireWriter) {
        writer.writeEnum(role)
        writer.writeList(parts) { $1.encode(to: &$0) }
        writer.writeList(toolCalls) { $1.encode(to: &$0) }
        writer.writeOptional(toolCallID) { $0.writeString($1) }
    }

    init(from reader: inout WireReader, imageCount: Int) throws(WireError) {
        role = try reader.readEnum(Role.self, "message.role")
        parts = try reader.readList("message.parts", limit: reader.limits.maxContentParts) {
            (reader: inout WireReader) throws(WireError) in try ContentPart(from: &reader, imageCount: imageCount)
        }
        toolCalls = try reader.readList("message.tool_calls", limit: reader.limits.maxTools) {
            (reader: inout WireReader) throws(WireError) in try ToolCall(from: &reader)
        }
        toolCallID = try reader.readOptional("message.tool_call_id") { (reader: inout WireReader) throws(WireError) in
            try reader.readName("message.tool_call_id")
        }
    }
}

extension ContentPart {
    func encode(to writer: inout WireWriter) {
        switch self {
        case .text(let text):
            writer.writeEnum(PartKind.text)
            writer.writeString(text)
        case .image(let index):
            writer.writeEnum(PartKind.image)
            writer.writeInt(index)
        }
    }

    init(from reader: inout WireReader, imageCount: Int) throws(WireError) {
        switch try reader.readEnum(PartKind.self, "part") {
        case .text:
            self = .text(try reader.readText("part.text"))
        case .image:
            let index = try reader.readInt("part.image")
            guard index < imageCount else { throw .imageIndexOutOfRange(index: index, imageCount: imageCount) }
            self = .image(index)
        }
    }
}
