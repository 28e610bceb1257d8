import Engine
import Testing
import TestSupport

@Suite struct ChatTemplateTests {
    static let conversation = [
        ChatTurn(role: .system, text: "You are terse."),
        ChatTurn(role: .user, content: [.image, .text("What is this?")]),
        ChatTurn(role: .assistant, text: "A cat."),
        ChatTurn(role: .user, text: "And its colour?"),
    ]

    @Test func chatMLRendersSystemTurnsAndImages() throws {
        let template = try ChatTemplate(named: "chatml")
        #expect(template.render(Self.conversation) == """
            <|im_start|>system\nYou are terse.<|im_end|>
            <|im_start|>user\n<image>\nWhat is this?<|im_end|>
            <|im_start|>assistant\nA cat.<|im_end|>
            <|im_start|>user\nAnd its colour?<|im_end|>
            <|im_start|>assistant\n
            """)
        #expect(template.render([ChatTurn(role: .user, text: "Hi")], addGenerationPrompt: false)
            == "<|im_start|>user\nHi<|im_end|>\n")
    }

    @Test func llavaUsesLLaVA15FormatAndDefaultSystemPrompt() throws {
        let template = try ChatTemplate(named: "llava")
        let question = ChatTurn(role: .user, content: [.image, .text("What is in this picture?")])
        #expect(template.render([question]) == ChatTemplate.llavaDefaultSystemPrompt
            + " USER: <image>\nWhat is in this picture? ASSISTANT:")
        #expect(template.render(Self.conversation)
            == "You are terse. USER: <image>\nWhat is this? ASSISTANT: A cat.</s>USER: And its colour? ASSISTANT:")
        let noSystem = [ChatTurn(role: .system, text: ""), ChatTurn(role: .user, content: [.text("Hi"), .image])]
        #expect(template.render(noSystem) == "USER: Hi\n<image> ASSISTANT:")
    }

    @Test(.requires(.sharedFixtures)) func llavaPromptTokenizesWithTurnSeparatorsAsEOS() throws {
        let tokenizer = try TokenizerFixtures.sentencePiece()
        let prompt = ChatTemplate(style: .llava).render(Self.conversation)
        let ids = tokenizer.encode(prompt, parseSpecial: true, addSpecial: true)
        #expect(ids.first == tokenizer.bos)
        #expect(ids.filter { $0 == tokenizer.eos }.count == 1)
        // As in llama.cpp, SentencePiece puts a space before the text after a special token; decoding
        // drops the one before the first text.
        #expect(tokenizer.decode(Array(ids.dropFirst()), renderSpecial: true)
            == "You are terse. USER: <image>\nWhat is this? ASSISTANT: A cat.</s> USER: And its colour? ASSISTANT:")
    }

    @Test func vicunaMatchesLlamaCppBuiltIn() throws {
        let template = try ChatTemplate(named: "Vicuna")
        #expect(template.render(Self.conversation) == """
            You are terse.\n\nUSER: <image>\nWhat is this?
            ASSISTANT: A cat.</s>
            USER: And its colour?
            ASSISTANT:
            """)
    }

    @Test func namesRoundTrip() throws {
        for style in ChatTemplate.Style.allCases {
            #expect(try ChatTemplate(named: ChatTemplate(style: style).name).style == style)
        }
    }

    @Test func unknownNameIsAnError() {
        #expect(throws: ChatTemplateError.unknownName("jinja")) { try ChatTemplate(named: "jinja") }
    }

    @Test(.requires(.sharedFixtures)) func detectedFromModelMetadata() throws {
        let spm = ChatTemplate.forModel(try GGUFFile(path: TokenizerFixtures.sentencePiecePath))
        #expect(spm.template.style == .llava && spm.warning == nil)

        let vicunaLike: [String: GGUFValue] = [
            GGUFKey.tokenizerModel: .string("llama"),
            GGUFKey.chatTemplate: .string("{% for m in messages %}USER: {{ m }} ASSISTANT: {% endfor %}"),
        ]
        #expect(ChatTemplate.forModel(metadata: vicunaLike).template.style == .llava)

        let unknown = ChatTemplate.forModel(metadata: [
            GGUFKey.tokenizerModel: .string("gpt2"),
            GGUFKey.chatTemplate: .string("{{ '### Human: ' + message }}"),
        ])
        #expect(unknown.template.style == .chatml)
        #expect(unknown.warning?.contains("not recognised") == true)

        let smolVLM = ChatTemplate.forModel(metadata: [
            GGUFKey.tokenizerModel: .string("gpt2"),
            GGUFKey.chatTemplate: .string("<|im_start|>{% for m in messages %}User:{{ m }}<end_of_utterance>{% endfor %}"),
        ])
        #expect(smolVLM.template.style == .chatml && smolVLM.warning != nil)

        let none = ChatTemplate.forModel(metadata: [GGUFKey.tokenizerModel: .string("gpt2")])
        #expect(none.template.style == .chatml)
        #expect(none.warning != nil)
    }

    @Test func promptSplitsAtImageMarkers() {
        #expect(PromptSegment.split("SYS USER: <image>\nQ ASSISTANT:")
            == [.text("SYS USER: "), .image, .text("\nQ ASSISTANT:")])
        #expect(PromptSegment.split("<image><image>Describe.") == [.image, .image, .text("Describe.")])
        #expect(PromptSegment.split("no images") == [.text("no images")])
        #expect(PromptSegment.split("<image>\u{301}") == [.image, .text("\u{301}")])
    }
}

struct ChatTemplateToolTests {
    static let weather = ChatTool(
        name: "get_weather", description: "Current weather",
        parameters: "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}}")

    @Test func chatmlPutsToolsInTheSystemPromptAndCallsAndResultsTheHermesWay() {
        let turns = [
            ChatTurn(role: .system, text: "Be brief."),
            ChatTurn(role: .user, text: "Weather in Paris?"),
            ChatTurn(role: .assistant, content: [], toolCalls: [ChatToolCall(name: "get_weather", arguments: "{\"city\": \"Paris\"}")]),
            ChatTurn(role: .tool, text: "18 C"),
            ChatTurn(role: .tool, text: "sunny"),
        ]
        let prompt = ChatTemplate(style: .chatml).render(turns, tools: [Self.weather])
        #expect(prompt.hasPrefix("<|im_start|>system\nBe brief.\n\n# Tools\n"))
        #expect(prompt.contains("<tools>\n{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Current weather\", \"parameters\": {\"type\": \"object\""))
        #expect(prompt.contains(
            "<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>\n"))
        #expect(prompt.hasSuffix(
            "<|im_start|>user\n<tool_response>\n18 C\n</tool_response>\n<tool_response>\nsunny\n</tool_response><|im_end|>\n<|im_start|>assistant\n"))
        #expect(ChatTemplate(style: .chatml).toolCallSyntax == .hermes)
    }

    @Test func withoutToolsTheHermesRewriteChangesNothing() {
        let turns = [ChatTurn(role: .system, text: "S"), ChatTurn(role: .user, text: "Q")]
        #expect(ChatTemplate(style: .chatml).render(turns, tools: []) == "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n")
    }

    @Test func llama3RendersHeadersToolsInTheFirstUserTurnAndResultsAsIPython() {
        let turns = [
            ChatTurn(role: .user, text: "Weather in Paris?"),
            ChatTurn(role: .assistant, content: [], toolCalls: [ChatToolCall(name: "get_weather", arguments: "{\"city\": \"Paris\"}")]),
            ChatTurn(role: .tool, text: "18 C"),
        ]
        let template = ChatTemplate(style: .llama3)
        let prompt = template.render(turns, tools: [Self.weather])
        #expect(prompt.hasPrefix("<|start_header_id|>user<|end_header_id|>\n\nGiven the following functions"))
        #expect(prompt.contains("Weather in Paris?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}<|eot_id|>"))
        #expect(prompt.hasSuffix("<|start_header_id|>ipython<|end_header_id|>\n\n18 C<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"))
        #expect(template.toolCallSyntax == .llama3)
        let selected = ChatTemplate.forModel(metadata: [
            GGUFKey.chatTemplate: .string("{{ '<|start_header_id|>' + role + '<|end_header_id|>' }}{{ '<|eot_id|>' }}"),
        ])
        #expect(selected.template.style == .llama3 && selected.warning == nil)
    }
}
