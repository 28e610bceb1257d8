import Engine
import Testing
import TestSupport

/// `tokenizer.json`: llama.cpp's `llama-tokenize --no-bos` on awkward strings, for both vocabularies,
/// with and without special-token parsing.
@Suite(.requires(.sharedFixtures)) struct TokenizerFixtureTests {
    @Test func fixtureHasTheAwkwardCases() throws {
        let cases = try TokenizerFixtures.tokenizationCases()
        #expect(cases.count >= 15)
        #expect(cases.contains { $0.text.isEmpty })
        #expect(cases.contains { $0.text.unicodeScalars.contains { $0.value > 0xFFFF } })
    }

    @Test func sentencePieceMatchesLlamaCpp() throws {
        let tokenizer = try TokenizerFixtures.sentencePiece()
        for c in try TokenizerFixtures.tokenizationCases() {
            expectTokenization(tokenizer, c.text, c.sentencePiece)
        }
    }

    @Test func bytePairMatchesLlamaCpp() throws {
        let tokenizer = try TokenizerFixtures.smol()
        for c in try TokenizerFixtures.tokenizationCases() {
            expectTokenization(tokenizer, c.text, c.smolLM2)
        }
    }

    @Test(.requires(.smolLM2))
    func realSmolLM2ModelMatchesLlamaCpp() throws {
        let tokenizer = try Tokenizer(gguf: Fixtures.smolLM2())
        for c in try TokenizerFixtures.tokenizationCases() {
            expectTokenization(tokenizer, c.text, c.smolLM2)
        }
    }

    @Test func decodingGivesBackTheText() throws {
        let tokenizers = [try TokenizerFixtures.sentencePiece(), try TokenizerFixtures.smol()]
        for tokenizer in tokenizers {
            for c in try TokenizerFixtures.tokenizationCases() {
                #expect(tokenizer.decode(tokenizer.encode(c.text, parseSpecial: false)) == c.text, "\(tokenizer.model)")
                #expect(tokenizer.decode(tokenizer.encode(c.text, parseSpecial: true)) == c.text, "\(tokenizer.model)")
            }
        }
    }

    private func expectTokenization(_ tokenizer: Tokenizer, _ text: String, _ expected: TokenizerFixtures.ExpectedIDs) {
        #expect(tokenizer.encode(text, parseSpecial: false) == expected.plain, "plain \(tokenizer.model): \(text.debugDescription)")
        #expect(tokenizer.encode(text, parseSpecial: true) == expected.parseSpecial, "parse_special \(tokenizer.model): \(text.debugDescription)")
    }
}
