import Engine
import Foundation
import Testing
@testable import Grammar

/// `fillMask` must equal trying every token with `accept`, in every state a generation can reach.
@Suite struct MaskTests {
    /// Single bytes, JSON-ish pieces that cross rule ends (`":`, `"}]`), UTF-8 pieces and halves of
    /// characters, a control token (empty) and an end token.
    static let syntheticTokens: [[UInt8]] = {
        var pieces = ["{", "}", "[", "]", "\"", ":", ",", " ", "  ", "\n", "\t", "a", "b", "ab", "abc", "name", "age",
                      "\":", "\",", "\"}", "\"]", "}]", "]}", ", \"", "{\"", "[\"", "\": \"", "\": ", "\"name\"", "ab\"",
                      "1", "12", "0", "-", "-1", ".", ".5", "e", "E+", "true", "tr", "ue", "false", "null", "nu",
                      "\\", "\\n", "\\\"", "\\u", "00e9", "é", "😀", "é\"", "x\"}", "\u{1}", "1,", "2]", "\n  ", "}\n"]
            .map { Array($0.utf8) }
        pieces += [[0xC3], [0xA9], [0xF0, 0x9F], [0x98, 0x80], [0xFF]]
        return pieces + [[], []]
    }()
    static let endToken = Int32(syntheticTokens.count - 1)
    static let synthetic = TokenVocabulary(tokens: syntheticTokens, endTokens: [endToken])

    static let grammars: [(String, String)] = [
        ("json", JSONSchemaGrammar.anyObjectGBNF),
        ("person", personGBNF),
        ("ambiguous", #"root ::= "a" "b"+ "c" | "ab" [a-c]* | x"# + "\nx ::= (\"{\" x \"}\")? \"é\"{1,2}"),
        ("utf8", #"root ::= ([^a-z] | "ab")* "."? "#),
        // Bounded repetitions of wide classes, whose copies share masks past the longest token.
        ("bounded", #"root ::= "\"" [^"]{0,40} "\"" ("," [a-z0-9 é]{2,30})? "." [^.]{3}"#),
        ("maxLength", try! JSONSchemaGrammar.gbnf(schema: #"""
            {"type": "object", "properties": {"name": {"type": "string", "maxLength": 60},
             "a": {"type": "array", "items": {"type": "string", "maxLength": 5}, "maxItems": 4}},
             "required": ["name", "a"], "additionalProperties": false}
            """#)),
        // Enums past `StackMachine.maxStacks` values: random words, and words sharing long prefixes.
        ("enum", try! JSONSchemaGrammar.gbnf(schema: enumSchema(randomWords(3000, seed: 3)))),
        ("enumPrefixes", try! JSONSchemaGrammar.gbnf(schema: enumSchema((0..<3000).map { "name\($0 % 7 == 0 ? "" : "ab")\($0)" }))),
        // 3,000 alternatives that cannot be factored (each its own rule): after `{` the expansion is past
        // `maxStacks`, so the mask must come from stepping like `accept`, not from the cached masks.
        ("capped", #"root ::= "{" ("# + (0..<3000).map { "r\($0)" }.joined(separator: " | ") + #") | "a" [a-z]*"#
            + (0..<3000).map { "\nr\($0) ::= \"\\\"w\($0)\\\"\"" }.joined()),
    ]

    static func randomWords(_ count: Int, seed: UInt64) -> [String] {
        var rng = SplitMix64(state: seed)
        var words: Set<String> = []
        while words.count < count {
            words.insert(String((0..<Int.random(in: 1...12, using: &rng)).map { _ in "abcdefghijklmnopqrstuvwxyz".randomElement(using: &rng)! }))
        }
        return words.sorted()
    }

    static func enumSchema(_ values: [String]) -> String {
        let list = values.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"type":"object","properties":{"w":{"enum":["# + list + #"]}},"required":["w"],"additionalProperties":false}"#
    }

    @Test(arguments: grammars.map(\.0))
    func syntheticVocabulary(name: String) throws {
        let gbnf = Self.grammars.first { $0.0 == name }!.1
        let compiled = CompiledGrammar(try Grammar(gbnf: gbnf), vocabulary: Self.synthetic)
        var allowedSomewhere = Set<Int32>()
        let compared = compareMasksOnRandomWalk(compiled, steps: 400, seed: 7) { fast, slow, text in
            #expect(fast == slow, "after \(String(decoding: text, as: UTF8.self).debugDescription)")
            allowedSomewhere.formUnion(allowedTokens(fast, count: Self.synthetic.count))
        }
        #expect(compared == 400)
        // The walk went places: many different tokens were allowed along it, never the control token.
        #expect(allowedSomewhere.count > (name.hasPrefix("enum") ? 5 : 8))
        #expect(!allowedSomewhere.contains(Self.endToken - 1))
    }

    /// Copies of a repetition share masks once a walk from them cannot reach the chain's last rule:
    /// `{0,1000}` costs what `{0,20}` does.
    @Test func repetitionCopiesShareMasks() throws {
        let long = CompiledGrammar(try Grammar(gbnf: #"root ::= "\"" [^"]{0,1000} "\"""#), vocabulary: Self.synthetic)
        let short = CompiledGrammar(try Grammar(gbnf: #"root ::= "\"" [^"]{0,20} "\"""#), vocabulary: Self.synthetic)
        #expect(long.masks.count == short.masks.count)
        #expect(long.maskIndex.count { $0 >= 0 } > 50 * long.masks.count)
        compareMasksOnRandomWalk(long, steps: 300, seed: 5) { fast, slow, text in
            #expect(fast == slow, "after \(String(decoding: text, as: UTF8.self).debugDescription)")
        }
    }

    /// A long enum is lowered to a trie of its values: it matches exactly its values, and no byte of
    /// them leaves more than a few parses alive (the cap is never near).
    @Test func largeEnumIsFactored() throws {
        let words = Self.randomWords(3000, seed: 3)
        var m = try matcher(try JSONSchemaGrammar.gbnf(schema: Self.enumSchema(words)))
        var most = 0
        for word in stride(from: 0, to: words.count, by: 10).map({ words[$0] }) {
            var copy = m
            for byte in Array(#"{"w":"\#(word)"}"#.utf8) {
                let accepted = copy.accept(bytes: [byte])
                #expect(accepted, "\(word)")
                most = max(most, copy.stacks.count)
            }
            #expect(copy.canEnd)
        }
        #expect(most <= GrammarLowering.maxUnfactored)
        let unknown = m.accept(bytes: Array(#"{"w":"zzzzzzzzzzzzz"#.utf8))
        #expect(!unknown)
        let known = m.accept(bytes: Array(#"{"w":"\#(words[0])""#.utf8))
        #expect(known)
    }

    @Test func endTokenOnlyWhenTheGrammarCanEnd() throws {
        var m = GrammarMatcher(CompiledGrammar(try Grammar(gbnf: #"root ::= "ab" "c"?"#), vocabulary: Self.synthetic))
        let bit = { (m: GrammarMatcher) in mask(of: m)[Int(Self.endToken) >> 5] & (1 << UInt32(Self.endToken & 31)) != 0 }
        #expect(!bit(m))
        let ab = m.accept(Int32(Self.syntheticTokens.firstIndex(of: Array("ab".utf8))!))
        #expect(ab && bit(m))
        var ended = m
        let end = ended.accept(Self.endToken)
        #expect(end)
    }

    static let smolLM2: Tokenizer? = DefaultModel.path.flatMap { try? Tokenizer(gguf: GGUFFile(path: $0)) }

    /// SmolLM2's 49,152 tokens: a few sampled states per grammar (each brute-force mask tries every token).
    @Test(.enabled(if: smolLM2 != nil, "needs SmolLM2 (scripts/fetch-model)"), arguments: ["json", "person", "bounded", "maxLength", "enum", "enumPrefixes"])
    func realVocabulary(name: String) throws {
        let tokenizer = try #require(Self.smolLM2)
        let vocabulary = tokenizer.grammarVocabulary()
        #expect(vocabulary.count == tokenizer.vocabularySize)
        let gbnf = Self.grammars.first { $0.0 == name }!.1
        let compiled = CompiledGrammar(try Grammar(gbnf: gbnf), vocabulary: vocabulary)
        var densities: [Int] = []
        compareMasksOnRandomWalk(compiled, steps: 200, seed: 11, stride: 10) { fast, slow, text in
            #expect(fast == slow, "after \(String(decoding: text, as: UTF8.self).debugDescription)")
            densities.append(allowedTokens(fast, count: vocabulary.count).count)
        }
        // Some state allows many tokens (inside a string), and control tokens are never allowed.
        #expect(densities.max()! > (name.hasPrefix("enum") ? 1 : 1000))
        let im_start = try #require(tokenizer.id(forSpecial: "<|im_start|>"))
        #expect(mask(of: GrammarMatcher(compiled))[Int(im_start) >> 5] & (1 << UInt32(im_start & 31)) == 0)
    }
}

@Suite struct GrammarBenchmarkTests {
    @Test func walkReportsSaneFigures() throws {
        var bench = GrammarBenchmark(grammar: try Grammar(gbnf: JSONSchemaGrammar.anyObjectGBNF), vocabulary: MaskTests.synthetic)
        bench.steps = 300
        let report = bench.run()
        #expect(report.steps == 300)
        #expect(report.restarts > 0, "the punctuation bias should finish some documents")
        #expect(report.meanDensity > 0 && report.meanDensity < 1)
        #expect(report.p50Microseconds <= report.p99Microseconds && report.p99Microseconds <= report.maxMicroseconds)
    }

    @Test func fillMaskWritesOnlyItsWords() throws {
        let m = GrammarMatcher(CompiledGrammar(try Grammar(gbnf: #"root ::= "a""#), vocabulary: MaskTests.synthetic))
        var words = [UInt32](repeating: 0xDEAD_BEEF, count: MaskTests.synthetic.maskWords + 1)
        words.withUnsafeMutableBufferPointer { m.fillMask($0) }
        #expect(words.last == 0xDEAD_BEEF)
        #expect(allowedTokens(Array(words.dropLast()), count: MaskTests.synthetic.count)
                == [Int32(MaskTests.syntheticTokens.firstIndex(of: Array("a".utf8))!)])
    }
}
