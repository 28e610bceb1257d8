import Grammar

/// A function offered to the model, as the chat template shows it.
public struct ChatTool: Sendable, Equatable {
    public var name: String
    public var description: String
    /// The arguments' JSON Schema as JSON text; empty: no arguments.
    public var parameters: String

    public init(name: String, description: String = "", parameters: String = "") {
        self.name = name
        self.description = description
        self.parameters = parameters
    }

    /// `{"type": "function", "function": {...}}`, the form models were trained to read (the
    /// Hermes and Llama 3.1 templates print OpenAI's tool objects as JSON).
    var json: String {
        var function = "{\"name\": \(JSONSchemaGrammar.quoted(name))"
        if !description.isEmpty { function += ", \"description\": \(JSONSchemaGrammar.quoted(description))" }
        function += ", \"parameters\": \(parameters.isEmpty ? "{\"type\": \"object\", \"properties\": {}}" : parameters)}"
        return "{\"type\": \"function\", \"function\": \(function)}"
    }
}

/// A call the assistant made, as the history carries it back.
public struct ChatToolCall: Sendable, Equatable {
    public var name: String
    /// JSON text.
    public var arguments: String

    public init(name: String, arguments: String) {
        self.name = name
        self.arguments = arguments
    }
}

/// How a template's model writes a tool call, which the worker's grammar for a required call follows
/// and the controller's parser reads.
public enum ToolCallSyntax: Sendable, Equatable {
    /// Hermes / Qwen / SmolLM2: `<tool_call>\n{"name": …, "arguments": {…}}\n</tool_call>`.
    case hermes
    /// Llama 3.1's JSON tool calling: the whole answer is `{"name": …, "parameters": {…}}`.
    case llama3
}
