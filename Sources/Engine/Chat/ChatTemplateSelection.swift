/// The template chosen for a model, and a warning for the caller to log when the choice is a guess.
public struct ChatTemplateSelection: Sendable, Equatable {
    public let template: ChatTemplate
    public let warning: String?
}

extension ChatTemplate {
    /// The template for a model file, sniffed from `tokenizer.chat_template` (the Jinja text is not
    /// run): one containing `<|im_start|>` is ChatML (unless it is Phi-4's or SmolVLM's); one with
    /// `<|start_header_id|>` and `<|eot_id|>` is Llama 3's; one with
    /// `USER:` and `ASSISTANT:` is LLaVA/Vicuna style, rendered as `llava`. A SentencePiece LLaMA model
    /// without a template is taken to be LLaVA-1.5's Vicuna (`llava`). Anything else falls back to
    /// ChatML, with a warning.
    public static func forModel(_ gguf: GGUFFile) -> ChatTemplateSelection {
        forModel(metadata: gguf.metadata)
    }

    public static func forModel(metadata: [String: GGUFValue]) -> ChatTemplateSelection {
        let fallback = ChatTemplate(style: .chatml)
        guard let source = metadata[GGUFKey.chatTemplate]?.string else {
            if metadata[GGUFKey.tokenizerModel]?.string == Tokenizer.Model.sentencePiece.rawValue {
                return ChatTemplateSelection(template: ChatTemplate(style: .llava), warning: nil)
            }
            return ChatTemplateSelection(
                template: fallback,
                warning: "the model has no chat template (\(GGUFKey.chatTemplate)); using chatml")
        }
        // Phi-4 and SmolVLM templates also use <|im_start|> but are not ChatML (llama.cpp's rule).
        let chatMLLookalike = source.contains("<|im_sep|>") || source.contains("<end_of_utterance>")
        if source.contains("<|im_start|>") && !chatMLLookalike {
            return ChatTemplateSelection(template: fallback, warning: nil)
        }
        if source.contains("<|start_header_id|>") && source.contains("<|eot_id|>") {
            return ChatTemplateSelection(template: ChatTemplate(style: .llama3), warning: nil)
        }
        if source.contains("USER:") && source.contains("ASSISTANT:") {
            return ChatTemplateSelection(template: ChatTemplate(style: .llava), warning: nil)
        }
        return ChatTemplateSelection(
            template: fallback,
            warning: "chat template not recognised (\(source.prefix(80))...); using chatml")
    }
}
