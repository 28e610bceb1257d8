import Engine
import Testing

/// Building a tokenizer from hand-made metadata: typed errors on bad input, and BPE merge order.
@Suite struct TokenizerMetadataTests {
    private func strings(_ values: [String]) -> GGUFValue { .array(values.map { .string($0) }) }

    private func bytePairMetadata(tokens: [String], merges: [String]) -> [String: GGUFValue] {
        [
            GGUFKey.tokenizerModel: .string("gpt2"),
            GGUFKey.tokenizerPre: .string("smollm"),
            GGUFKey.tokens: strings(tokens),
            GGUFKey.merges: strings(merges),
        ]
    }

    @Test func badMetadataGivesTypedErrors() {
        #expect(throws: TokenizerError.missingMetadata(key: GGUFKey.tokenizerModel)) { try Tokenizer(metadata: [:]) }
        #expect(throws: TokenizerError.unsupportedModel("bert")) {
            try Tokenizer(metadata: [GGUFKey.tokenizerModel: .string("bert")])
        }
        #expect(throws: TokenizerError.unsupportedPreTokenizer("llama3")) {
            try Tokenizer(metadata: [GGUFKey.tokenizerModel: .string("gpt2"), GGUFKey.tokenizerPre: .string("llama3")])
        }
        #expect(throws: TokenizerError.missingMetadata(key: GGUFKey.tokens)) {
            try Tokenizer(metadata: [GGUFKey.tokenizerModel: .string("llama")])
        }
        #expect(throws: TokenizerError.missingMetadata(key: GGUFKey.merges)) {
            var metadata = bytePairMetadata(tokens: ["a"], merges: [])
            metadata[GGUFKey.merges] = nil
            return try Tokenizer(metadata: metadata)
        }
        #expect(throws: TokenizerError.self) {
            var metadata = bytePairMetadata(tokens: ["a", "b"], merges: [])
            metadata[GGUFKey.tokenTypes] = .array([.int32(1)])
            return try Tokenizer(metadata: metadata)
        }
    }

    @Test func lowerRankMergesFirstAndLeftmostWinsTies() throws {
        let tokens = ["a", "b", "c", "ab", "bc", "aa"]
        let bcFirst = try Tokenizer(metadata: bytePairMetadata(tokens: tokens, merges: ["b c", "a b"]))
        #expect(bcFirst.encode("abc", parseSpecial: false) == [0, 4])  // a + bc
        let abFirst = try Tokenizer(metadata: bytePairMetadata(tokens: tokens, merges: ["a b", "b c"]))
        #expect(abFirst.encode("abc", parseSpecial: false) == [3, 2])  // ab + c
        #expect(abFirst.encode("aaa", parseSpecial: false) == [0, 0, 0])
        let pairs = try Tokenizer(metadata: bytePairMetadata(tokens: tokens, merges: ["a a"]))
        #expect(pairs.encode("aaa", parseSpecial: false) == [5, 0])  // aa + a, not a + aa
    }

    @Test func userDefinedTokensAreMatchedEvenWithoutSpecialParsing() throws {
        var metadata = bytePairMetadata(tokens: ["a", "<", "c", ">", "<tool>", "<c>"], merges: [])
        metadata[GGUFKey.tokenTypes] = .array([1, 1, 1, 1, 4, 3].map { .int32($0) })
        let tokenizer = try Tokenizer(metadata: metadata)
        #expect(tokenizer.encode("a<tool>a<c>", parseSpecial: false) == [0, 4, 0, 1, 2, 3])
        #expect(tokenizer.encode("a<tool>a<c>", parseSpecial: true) == [0, 4, 0, 5])
        #expect(tokenizer.decode([4, 5]) == "<tool>")
        #expect(tokenizer.decode([4, 5], renderSpecial: true) == "<tool><c>")
    }

    @Test func sentencePieceMergesTheHighestScoreFirst() throws {
        func tokenizer(scoreOfAB: Float) throws -> Tokenizer {
            try Tokenizer(metadata: [
                GGUFKey.tokenizerModel: .string("llama"),
                GGUFKey.tokens: strings(["<unk>", "<s>", "</s>", "\u{2581}", "a", "b", "\u{2581}a", "ab"]),
                GGUFKey.scores: .array([0, 0, 0, -5, -5, -5, -1, scoreOfAB].map { .float32($0) }),
                GGUFKey.tokenTypes: .array([2, 3, 3, 1, 1, 1, 1, 1].map { .int32($0) }),
            ])
        }
        #expect(try tokenizer(scoreOfAB: -2).encode("ab", parseSpecial: false) == [6, 5])  // ▁a + b
        #expect(try tokenizer(scoreOfAB: 0).encode("ab", parseSpecial: false) == [3, 7])  // ▁ + ab
        #expect(try tokenizer(scoreOfAB: 0).encode("abc", parseSpecial: false) == [3, 7, 0])  // no <0x63>: unknown
    }

    @Test func mergeResultMissingFromTheVocabularyFallsBackToItsBytes() throws {
        let tokenizer = try Tokenizer(metadata: bytePairMetadata(tokens: ["x", "y"], merges: ["x y"]))
        #expect(tokenizer.encode("xy", parseSpecial: false) == [0, 1])
    }
}
