import Engine
import Foundation
import Testing
import TestSupport

/// Long prompts must tokenize without quadratic blow-up; times are printed, not asserted.
@Suite(.requires(.sharedFixtures)) struct TokenizerLongInputTests {
    static let paragraph = """
        The quick brown fox — naïve café owner in 東京 — paid 1234.56 € for 3 crème brûlées 😀👍🏽.
        def f(x):\n    return x ** 2  # it's what they'd've said\n\n\t  spaced   out   words\n
        """

    static func longText(_ minimumCharacters: Int) -> String {
        var text = ""
        while text.count < minimumCharacters { text += paragraph }
        return text
    }

    @Test(arguments: ["bpe", "spm"])
    func twentyThousandCharactersRoundTrip(vocabulary: String) throws {
        let tokenizer = vocabulary == "bpe" ? try TokenizerFixtures.smol() : try TokenizerFixtures.sentencePiece()
        let text = Self.longText(20_000)
        let clock = ContinuousClock()
        var ids: [Int32] = []
        let elapsed = clock.measure { ids = tokenizer.encode(text, parseSpecial: true) }
        print("tokenize \(vocabulary): \(text.count) characters -> \(ids.count) tokens in \(elapsed)")
        #expect(ids.count > text.count / 8)
        #expect(tokenizer.decode(ids) == text)
        // Tokenizing is local to words: the same paragraph gives the same tokens each time it repeats.
        let once = tokenizer.encode(Self.paragraph + Self.paragraph, parseSpecial: true)
        #expect(ids.starts(with: once.prefix(once.count / 3)))
    }

    @Test(arguments: ["bpe", "spm"])
    func pathologicalSingleWordsComplete(vocabulary: String) throws {
        let tokenizer = vocabulary == "bpe" ? try TokenizerFixtures.smol() : try TokenizerFixtures.sentencePiece()
        for text in [String(repeating: "a", count: 20_000), String(repeating: "😀", count: 5_000), String(repeating: " ", count: 20_000)] {
            let clock = ContinuousClock()
            var ids: [Int32] = []
            let elapsed = clock.measure { ids = tokenizer.encode(text, parseSpecial: false) }
            print("tokenize \(vocabulary): \(text.unicodeScalars.count) × \(text.unicodeScalars.first.map { "U+" + String($0.value, radix: 16) } ?? "") -> \(ids.count) tokens in \(elapsed)")
            #expect(!ids.isEmpty)
            #expect(tokenizer.decode(ids) == text)
        }
    }
}
