import Engine
import Foundation
import Grammar
import LoomProtocol
import Testing
import TestSupport
@testable import WorkerKit

/// Constrained decoding where the executor samples, on the real default model: a constrained
/// sequence follows its grammar while sharing steps with a free one, and the free one's numbers are
/// those it has alone.
@Suite(.serialized, .requires(.smolLM2))
struct GrammarExecutorTests {
    /// What each request produced: its text, its tokens, every logits row it sampled from, and why it ended.
    struct Run {
        var text: [UInt64: String] = [:]
        var tokens: [UInt64: [Int32]] = [:]
        var rows: [UInt64: [[Float]]] = [:]
        var reasons: [UInt64: FinishReason] = [:]
    }

    static func run(_ requests: [BatchExecutor.Request]) throws -> Run {
        let executor = try PrefixCacheExecutorTests.executor(prefixCaching: false)
        var run = Run()
        executor.observeLogits = { id, row in run.rows[id.rawValue, default: []].append(Array(row)) }
        for request in requests { #expect(executor.submit(request) == nil) }
        for _ in 0..<2000 where run.reasons.count < requests.count {
            for event in executor.step() {
                switch event {
                case .delta(let id, let text, let tokens, _, _):
                    run.text[id.rawValue, default: ""] += text
                    run.tokens[id.rawValue, default: []] += tokens
                case .finished(let id, let reason, _, _): run.reasons[id.rawValue] = reason
                default: Issue.record("\(event)")
                }
            }
        }
        return run
    }

    static func constrained(_ id: UInt64, _ gbnf: String, seed: UInt64, maxTokens: Int) throws -> BatchExecutor.Request {
        var request = PrefixCacheExecutorTests.request(
            id, try PrefixCacheExecutorTests.encode("List some numbers:"), seed: seed, maxTokens: maxTokens)
        let tokenizer = try BatchExecutorTests.load().1
        request.grammar = GrammarMatcher(CompiledGrammar(try Grammar(gbnf: gbnf), vocabulary: tokenizer.grammarVocabulary()))
        return request
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func constrainedAndFreeShareStepsAndTheFreeOneKeepsItsBits(seed: UInt64) throws {
        let list = #"root ::= "[" [1-9] [0-9]{0,2} ("," " "? [1-9] [0-9]{0,2}){2,5} "]""#
        let free = PrefixCacheExecutorTests.request(2, try PrefixCacheExecutorTests.encode("Once upon a time"), seed: seed, maxTokens: 24)
        let together = try Self.run([try Self.constrained(1, list, seed: seed, maxTokens: 64), free])
        let alone = try Self.run([free])

        let text = together.text[1] ?? ""
        let pattern = try Regex(#"^\[[1-9][0-9]{0,2}(, ?[1-9][0-9]{0,2}){2,5}\]$"#)
        #expect(text.wholeMatch(of: pattern) != nil, "\(text.debugDescription) follows the grammar")
        #expect(together.reasons[1] == .stop, "the grammar's end ends it")
        #expect(together.tokens[2] == alone.tokens[2])
        #expect(together.rows[2] == alone.rows[2], "a neighbour's grammar changes nothing of a free sequence's logits")
    }

    @Test func aGrammarWithOneSentenceEndsAsSoonAsItIsWritten() throws {
        let run = try Self.run([try Self.constrained(1, #"root ::= "The answer is 42.""#, seed: 5, maxTokens: 40)])
        #expect(run.text[1] == "The answer is 42.")
        #expect(run.reasons[1] == .stop)
        #expect((run.tokens[1]?.count ?? 0) < 15, "no token is spent past the grammar's end")
    }
}
