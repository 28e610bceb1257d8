import Engine
import Foundation
import Testing
@testable import Grammar

/// A grammar small to write and vast to walk is refused within the limit instead of holding a worker.
@Suite struct CompileLimitTests {
    /// Twelve wide, ambiguous repetitions side by side: every byte may belong to any of them, so the
    /// stack sets a walk meets multiply (unbounded, it took 45 s and 1 GB on SmolLM2's vocabulary).
    static let hostile = "root ::= " + Array(repeating: "[^a]{0,40}", count: 12).joined(separator: " ")

    @Test(.enabled(if: MaskTests.smolLM2 != nil, "needs SmolLM2 (scripts/fetch-model)"))
    func aGrammarTooComplexToCompileIsRefusedWithinTheLimit() throws {
        let vocabulary = try #require(MaskTests.smolLM2).grammarVocabulary()
        let start = ContinuousClock.now
        #expect {
            _ = try CompiledGrammar.compile(Grammar(gbnf: Self.hostile), vocabulary: vocabulary, within: .milliseconds(200))
        } throws: { error in
            (error as? GrammarError)?.message.contains("too complex") == true
        }
        // The walk checks the clock every few thousand trie nodes: it stops near the limit, not at the end.
        #expect(ContinuousClock.now - start < .seconds(20))
        // A grammar of the usual size compiles within the same limit's order.
        let json = try CompiledGrammar.compile(Grammar(gbnf: JSONSchemaGrammar.anyObjectGBNF), vocabulary: vocabulary, within: .seconds(60))
        var matcher = GrammarMatcher(json)
        #expect(matcher.accept(bytes: Array("{\"a\": [1, true]}".utf8)) && matcher.canEnd)
    }
}
