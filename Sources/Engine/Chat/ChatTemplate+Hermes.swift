import Grammar

/// Tools the Hermes way (Hermes 2 Pro, Qwen 2.5, SmolLM2's tool data), for the templates without a
/// tool format of their own: the definitions in the system prompt inside `<tools>`, calls as
/// `<tool_call>` blocks in the assistant's text, results as `<tool_response>` blocks in a user turn.
extension ChatTemplate {
    static func hermesToolsText(_ tools: [ChatTool]) -> String {
        "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
            + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n"
            + tools.map(\.json).joined(separator: "\n")
            + "\n</tools>\n\nFor each function call, return a json object with function name and arguments "
            + "within <tool_call></tool_call> XML tags:\n<tool_call>\n"
            + "{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call>"
    }

    static func hermesCallText(_ call: ChatToolCall) -> String {
        "<tool_call>\n{\"name\": \(JSONSchemaGrammar.quoted(call.name)), \"arguments\": \(call.arguments)}\n</tool_call>"
    }

    /// The turns with the tools, calls and results written out as text, for a template that knows
    /// only system, user and assistant turns.
    func hermesTurns(_ turns: [ChatTurn], tools: [ChatTool]) -> [ChatTurn] {
        let hasToolTurns = turns.contains { $0.role == .tool || !$0.toolCalls.isEmpty }
        guard !tools.isEmpty || hasToolTurns else { return turns }
        var result: [ChatTurn] = []
        if !tools.isEmpty {
            let toolsText = Self.hermesToolsText(tools)
            if let first = turns.first, first.role == .system {
                result.append(ChatTurn(role: .system, content: first.content + [.text("\n\n" + toolsText)]))
            } else {
                result.append(ChatTurn(role: .system, text: toolsText))
            }
        }
        for (index, turn) in turns.enumerated() {
            if index == 0 && turn.role == .system && !tools.isEmpty { continue }
            switch turn.role {
            case .tool:
                // Consecutive results share one user turn, as Qwen's template writes them.
                let block = [ChatTurn.Part.text("<tool_response>\n")] + turn.content + [.text("\n</tool_response>")]
                if let last = result.last, last.role == .user, index > 0, turns[index - 1].role == .tool {
                    result[result.count - 1].content += [.text("\n")] + block
                } else {
                    result.append(ChatTurn(role: .user, content: block))
                }
            case .assistant where !turn.toolCalls.isEmpty:
                let calls = turn.toolCalls.map(Self.hermesCallText).joined(separator: "\n")
                let separator = turn.content.isEmpty ? "" : "\n"
                result.append(ChatTurn(role: .assistant, content: turn.content + [.text(separator + calls)]))
            default:
                result.append(turn)
            }
        }
        return result
    }
}
