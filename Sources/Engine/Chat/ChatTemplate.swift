import Grammar

/// Renders a conversation as the prompt text a model was trained on. Images appear as
/// `ChatTemplate.imageMarker`; the caller splits the prompt there (`PromptSegment.split`) and puts the
/// image embeddings in their place. Tokenize the result with special-token parsing, so `<|im_start|>`
/// and `</s>` become their tokens.
public struct ChatTemplate: Sendable, Equatable {
    public enum Style: String, Sendable, CaseIterable {
        /// `<|im_start|>role\ncontent<|im_end|>\n`, then `<|im_start|>assistant\n` (llama.cpp's
        /// built-in "chatml"; no default system message).
        case chatml
        /// LLaVA-1.5's conversation format (`conv_llava_v1`): `SYSTEM USER: <image>\nQUESTION ASSISTANT:`,
        /// single spaces between turns, `</s>` after each answer; LLaVA's system prompt when none is given.
        case llava
        /// llama.cpp's built-in "vicuna": `SYSTEM\n\nUSER: question\nASSISTANT: answer</s>\n`.
        case vicuna
        /// Llama 3 / 3.1: `<|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>`, the BOS token
        /// left to the tokenizer; tools the Llama 3.1 way (JSON tool calling, results as `ipython`).
        case llama3
    }

    /// Where an image goes in a prompt.
    public static let imageMarker = "<image>"

    /// LLaVA-1.5's system prompt, used by the `llava` style when the conversation has none.
    public static let llavaDefaultSystemPrompt =
        "A chat between a curious human and an artificial intelligence assistant. "
        + "The assistant gives helpful, detailed, and polite answers to the human's questions."

    public let style: Style

    public var name: String { style.rawValue }

    public init(style: Style) {
        self.style = style
    }

    /// A template by name: "chatml", "llava", "vicuna" or "llama3" (any letter case).
    public init(named name: String) throws(ChatTemplateError) {
        guard let style = Style(rawValue: name.lowercased()) else { throw .unknownName(name) }
        self.init(style: style)
    }

    /// How this template's model writes a tool call.
    public var toolCallSyntax: ToolCallSyntax { style == .llama3 ? .llama3 : .hermes }

    /// The prompt for `turns`, offering `tools`; with `addGenerationPrompt`, it ends where the
    /// assistant's answer begins.
    public func render(_ turns: [ChatTurn], tools: [ChatTool] = [], addGenerationPrompt: Bool = true) -> String {
        switch style {
        case .chatml: renderChatML(hermesTurns(turns, tools: tools), addGenerationPrompt)
        case .llava: renderLLaVA(hermesTurns(turns, tools: tools), addGenerationPrompt)
        case .vicuna: renderVicuna(hermesTurns(turns, tools: tools), addGenerationPrompt)
        case .llama3: renderLlama3(turns, tools: tools, addGenerationPrompt)
        }
    }

    private func renderChatML(_ turns: [ChatTurn], _ addGenerationPrompt: Bool) -> String {
        var prompt = ""
        for turn in turns {
            prompt += "<|im_start|>\(turn.role.rawValue)\n\(turn.renderedContent)<|im_end|>\n"
        }
        if addGenerationPrompt { prompt += "<|im_start|>assistant\n" }
        return prompt
    }

    /// LLaVA has one system prompt, first: every system message joins it (by newlines), wherever it
    /// stood in the conversation. An empty system message means no system prompt at all.
    private func renderLLaVA(_ turns: [ChatTurn], _ addGenerationPrompt: Bool) -> String {
        let systemTurns = turns.filter { $0.role == .system }.map(\.renderedContent)
        let system = systemTurns.isEmpty ? Self.llavaDefaultSystemPrompt : systemTurns.joined(separator: "\n")
        var prompt = system.isEmpty ? "" : system + " "
        for turn in turns {
            switch turn.role {
            case .system: continue
            case .user: prompt += "USER: \(turn.renderedContent) "
            case .assistant: prompt += "ASSISTANT: \(turn.renderedContent)</s>"
            case .tool: prompt += "USER: \(turn.renderedContent) "
            }
        }
        if addGenerationPrompt { prompt += "ASSISTANT:" }
        return prompt
    }

    private func renderVicuna(_ turns: [ChatTurn], _ addGenerationPrompt: Bool) -> String {
        var prompt = ""
        for turn in turns {
            switch turn.role {
            case .system: prompt += "\(turn.renderedContent)\n\n"
            case .user: prompt += "USER: \(turn.renderedContent)\n"
            case .assistant: prompt += "ASSISTANT: \(turn.renderedContent)</s>\n"
            case .tool: prompt += "USER: \(turn.renderedContent)\n"
            }
        }
        if addGenerationPrompt { prompt += "ASSISTANT:" }
        return prompt
    }

    private func renderLlama3(_ turns: [ChatTurn], tools: [ChatTool], _ addGenerationPrompt: Bool) -> String {
        var prompt = ""
        // Llama 3.1 puts the tools in the first user message.
        var toolsPending = !tools.isEmpty
        for turn in turns {
            var content = turn.renderedContent
            if turn.role == .user && toolsPending {
                content = Self.llama3ToolsText(tools) + content
                toolsPending = false
            }
            for call in turn.toolCalls {
                content += "{\"name\": \(JSONSchemaGrammar.quoted(call.name)), \"parameters\": \(call.arguments)}"
            }
            let role = turn.role == .tool ? "ipython" : turn.role.rawValue
            prompt += "<|start_header_id|>\(role)<|end_header_id|>\n\n\(content)<|eot_id|>"
        }
        if toolsPending { prompt += "<|start_header_id|>user<|end_header_id|>\n\n\(Self.llama3ToolsText(tools))<|eot_id|>" }
        if addGenerationPrompt { prompt += "<|start_header_id|>assistant<|end_header_id|>\n\n" }
        return prompt
    }

    static func llama3ToolsText(_ tools: [ChatTool]) -> String {
        "Given the following functions, please respond with a JSON for a function call with its proper arguments "
            + "that best answers the given prompt.\n\nRespond in the format {\"name\": function name, \"parameters\": "
            + "dictionary of argument name and its value}. Do not use variables.\n\n"
            + tools.map(\.json).joined(separator: "\n\n") + "\n\n"
    }
}
