/// A function the model may call: OpenAI's `tools[].function`.
public struct ToolDefinition: Sendable, Equatable {
    /// `[a-zA-Z0-9_-]`, at most 64 characters (the controller checks).
    public var name: String
    public var description: String
    /// The arguments' JSON Schema, as JSON text; empty when the function takes none.
    public var parameters: String

    public init(name: String, description: String = "", parameters: String = "") {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

/// Whether the model may, must or must not call a tool: OpenAI's `tool_choice`.
public enum ToolChoice: Sendable, Equatable {
    /// The model decides; its calls are parsed out of its answer.
    case auto
    /// No calls: the tools are not shown to the model.
    case none
    /// Exactly one call of one of the tools, decoding constrained to their schemas.
    case required
    /// Exactly one call of this tool, decoding constrained to its schema.
    case function(String)
}

/// One call the assistant made, as it goes back into the history.
public struct ToolCall: Sendable, Equatable {
    public var id: String
    public var name: String
    /// The arguments as JSON text.
    public var arguments: String

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

extension ToolChoice {
    /// The tools one of which the answer must call: nil when the choice requires no call.
    public func requiredTools(of tools: [ToolDefinition]) -> [ToolDefinition]? {
        switch self {
        case .auto, .none: nil
        case .required: tools
        case .function(let name): tools.filter { $0.name == name }
        }
    }
}

private enum ToolChoiceKind: UInt8 {
    case auto = 0
    case none = 1
    case required = 2
    case function = 3
}

extension ToolDefinition {
    func encode(to writer: inout WireWriter) {
        writer.writeString(name)
        writer.writeString(description)
        writer.writeString(parameters)
    }

    init(from reader: inout WireReader) throws(WireError) {
        name = try reader.readName("tool.name")
        description = try reader.readText("tool.description")
        parameters = try reader.readString("tool.parameters", limit: reader.limits.maxGrammarBytes)
    }
}

extension ToolChoice {
    func encode(to writer: inout WireWriter) {
        switch self {
        case .auto: writer.writeEnum(ToolChoiceKind.auto)
        case .none: writer.writeEnum(ToolChoiceKind.none)
        case .required: writer.writeEnum(ToolChoiceKind.required)
        case .function(let name):
            writer.writeEnum(ToolChoiceKind.function)
            writer.writeString(name)
        }
    }

    init(from reader: inout WireReader) throws(WireError) {
        switch try reader.readEnum(ToolChoiceKind.self, "tool_choice") {
        case .auto: self = .auto
        case .none: self = .none
        case .required: self = .required
        case .function: self = .function(try reader.readName("tool_choice.name"))
        }
    }
}

extension ToolCall {
    func encode(to writer: inout WireWriter) {
        writer.writeString(id)
        writer.writeString(name)
        writer.writeString(arguments)
    }

    init(from reader: inout WireReader) throws(WireError) {
        id = try reader.readName("tool_call.id")
        name = try reader.readName("tool_call.name")
        arguments = try reader.readText("tool_call.arguments")
    }
}
