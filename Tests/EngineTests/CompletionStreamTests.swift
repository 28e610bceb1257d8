import Engine
import Testing
import TestSupport

/// The one per-token output path: deltas that spell the text, stop strings held back and cut, the
/// token limit, end-of-generation tokens, and what is flushed at the end.
@Suite(.requires(.smolLM2))
struct CompletionStreamTests {
    static let tokenizer: Tokenizer? = DefaultModel.path.flatMap { try? Tokenizer(gguf: GGUFFile(path: $0)) }
    let text = "The quick brown fox jumps over the lazy dog. Then it naps."

    func feed(_ tokens: [Int32], _ conditions: StopConditions) throws -> (text: String, deltas: [CompletionStream.Delta]) {
        var stream = CompletionStream(tokenizer: try #require(Self.tokenizer), conditions: conditions)
        var deltas: [CompletionStream.Delta] = []
        for token in tokens {
            deltas.append(stream.append(token))
            if deltas.last?.ending != nil { break }
        }
        return (deltas.map(\.text).joined(), deltas)
    }

    func endOfGeneration() throws -> Int32 {
        let ids = try #require(Self.tokenizer).encode("<|im_end|>", parseSpecial: true)
        #expect(ids.count == 1)
        return ids[0]
    }

    @Test func deltasSpellTheTextAndTheLimitEndsIt() throws {
        let tokens = try #require(Self.tokenizer).encode(text, parseSpecial: false)
        let all = try feed(tokens, StopConditions(maxTokens: 1000))
        #expect(all.text == text)
        #expect(all.deltas.allSatisfy { $0.ending == nil })
        let cut = try feed(tokens, StopConditions(maxTokens: 4))
        #expect(cut.deltas.count == 4 && cut.deltas.last?.ending == .maxTokens)
        #expect(cut.text == (try #require(Self.tokenizer)).decode(Array(tokens.prefix(4))))
    }

    @Test func aStopStringSplitAcrossTokensIsCutAndNeverEmitted() throws {
        let tokens = try #require(Self.tokenizer).encode(text, parseSpecial: false)
        let stop = "fox jumps ov"  // spans several tokens and ends inside one
        let out = try feed(tokens, StopConditions(maxTokens: 1000, stopStrings: ["lazy cat", stop]))
        #expect(out.text == "The quick brown ")
        #expect(out.deltas.last?.ending == .stopString)
        // The earliest match wins among several.
        let earliest = try feed(tokens, StopConditions(maxTokens: 1000, stopStrings: ["naps", "brown"]))
        #expect(earliest.text == "The quick ")
    }

    @Test func endOfGenerationFlushesWhatWasHeldBack() throws {
        let tokenizer = try #require(Self.tokenizer)
        let tokens = tokenizer.encode("Hello wor", parseSpecial: false) + [try endOfGeneration()]
        // "wor" might begin the stop string "world": held back until the end settles it.
        let out = try feed(tokens, StopConditions(maxTokens: 100, stopStrings: ["world"]))
        #expect(out.text == "Hello wor")
        #expect(out.deltas.last?.ending == .endOfGeneration && out.deltas.last?.token == nil)
        let ignored = try feed(tokens, StopConditions(maxTokens: 100, ignoreEndOfGeneration: true))
        #expect(ignored.deltas.allSatisfy { $0.ending == nil && $0.token != nil })
    }

    @Test func multiByteCharactersArriveWhole() throws {
        let tokenizer = try #require(Self.tokenizer)
        let text = "naïve 🙂 日本語"
        let out = try feed(tokenizer.encode(text, parseSpecial: false), StopConditions(maxTokens: 100, stopStrings: ["本"]))
        #expect(out.text == "naïve 🙂 日")
        #expect(out.deltas.allSatisfy { !$0.text.contains("\u{FFFD}") })
    }
}
