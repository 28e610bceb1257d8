import Engine
import Testing
import TestSupport

/// `smollm2/reference.json` and `tiny-llava/reference.json`: prompt token ids llama.cpp fed its models.
@Suite(.requires(.sharedFixtures)) struct TokenizerReferenceTests {
    @Test func rawPromptsMatchLlamaTokenize() throws {
        let tokenizer = try TokenizerFixtures.smol()
        let prompts = try TokenizerFixtures.smolLM2Prompts()
        #expect(prompts.count == 3)
        for prompt in prompts {
            // add_bos_token is false for SmolLM2: adding special tokens changes nothing.
            #expect(tokenizer.encode(prompt.prompt, parseSpecial: true, addSpecial: true) == prompt.llamaTokenizeIDs)
        }
    }

    @Test func chatMLPromptsMatchLlamaCppTemplate() throws {
        let tokenizer = try TokenizerFixtures.smol()
        let selection = ChatTemplate.forModel(try GGUFFile(path: TokenizerFixtures.smolVocabularyPath))
        #expect(selection.template.style == .chatml)
        #expect(selection.warning == nil)
        for prompt in try TokenizerFixtures.smolLM2Prompts() {
            let rendered = selection.template.render([ChatTurn(role: .user, text: prompt.prompt)])
            #expect(rendered == prompt.chat.templatedPrompt)
            #expect(tokenizer.encode(rendered, parseSpecial: true) == prompt.chat.templatedPromptIDs)
        }
    }

    @Test func llavaPromptPiecesMatchLlavaCli() throws {
        let tokenizer = try TokenizerFixtures.smol()
        let cases = try TokenizerFixtures.llavaCases()
        #expect(cases.count == 4)
        for c in cases {
            #expect(tokenizer.encode(c.systemPrompt, parseSpecial: true, addSpecial: true) == c.systemIDs, "\(c.name)")
            #expect(tokenizer.encode(c.userPrompt, parseSpecial: true) == c.userIDs, "\(c.name)")
        }
    }
}
