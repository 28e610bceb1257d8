import Grammar

/// The grammar of one call of one of `tools`, in a template's tool-call syntax, each call's arguments
/// following its tool's schema: what `tool_choice: required` or a named function constrains
/// decoding to.
public enum ToolCallGrammar {
    public static func gbnf(calling tools: [ChatTool], syntax: ToolCallSyntax) throws(JSONSchemaError) -> String {
        precondition(!tools.isEmpty, "a required call needs a tool")
        var rules: [String] = []
        var alternatives: [String] = []
        for (index, tool) in tools.enumerated() {
            let arguments: String
            if tool.parameters.isEmpty {
                arguments = "\"{}\""
            } else {
                let schema = try JSONSchemaGrammar.rules(schema: tool.parameters, prefix: "tool\(index)-")
                rules.append(schema.gbnf)
                arguments = schema.root
            }
            // Tool names are letters, digits, '_' and '-' (the controller checks): nothing to escape.
            switch syntax {
            case .hermes:
                alternatives.append(#""<tool_call>\n{\"name\": \"\#(tool.name)\", \"arguments\": " \#(arguments) "}\n</tool_call>""#)
            case .llama3:
                alternatives.append(#""{\"name\": \"\#(tool.name)\", \"parameters\": " \#(arguments) "}""#)
            }
        }
        return "root ::= " + alternatives.joined(separator: " | ") + "\n" + rules.joined(separator: "\n")
    }
}
