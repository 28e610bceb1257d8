@testable import Grammar

/// A grammar compiled over a vocabulary with no tokens, for matching byte strings.
func matcher(_ gbnf: String) throws -> GrammarMatcher {
    GrammarMatcher(CompiledGrammar(try Grammar(gbnf: gbnf), vocabulary: TokenVocabulary(tokens: [], endTokens: [])))
}

/// Whether `text` is a complete sentence of the grammar.
func matches(_ gbnf: String, _ text: String) throws -> Bool {
    var m = try matcher(gbnf)
    return m.accept(bytes: Array(text.utf8)) && m.canEnd
}

/// Whether `text` is a prefix of some sentence of the grammar.
func isPrefix(_ gbnf: String, _ bytes: [UInt8]) throws -> Bool {
    var m = try matcher(gbnf)
    return m.accept(bytes: bytes)
}

/// The error a grammar text is refused with, or nil.
func parseError(_ gbnf: String) -> String? {
    do {
        _ = try Grammar(gbnf: gbnf)
        return nil
    } catch {
        return error.description
    }
}

/// The mask `fillMask` writes.
func mask(of matcher: GrammarMatcher) -> [UInt32] {
    var words = [UInt32](repeating: 0xFFFF_FFFF, count: matcher.grammar.vocabulary.maskWords)
    words.withUnsafeMutableBufferPointer { matcher.fillMask($0) }
    return words
}

/// The mask found by trying every token with `accept` on a copy of the matcher.
func bruteForceMask(of matcher: GrammarMatcher) -> [UInt32] {
    let count = matcher.grammar.vocabulary.count
    var words = [UInt32](repeating: 0, count: (count + 31) / 32)
    for t in 0..<Int32(count) {
        var copy = matcher
        if copy.accept(t) { words[Int(t) >> 5] |= 1 << UInt32(t & 31) }
    }
    return words
}

func allowedTokens(_ words: [UInt32], count: Int) -> [Int32] {
    (0..<Int32(count)).filter { words[Int($0) >> 5] & (1 << UInt32($0 & 31)) != 0 }
}

/// Walks the grammar by random allowed tokens, comparing `fillMask` with the brute-force mask at
/// every step (or every `stride`-th). Returns the number of states compared.
@discardableResult
func compareMasksOnRandomWalk(_ grammar: CompiledGrammar, steps: Int, seed: UInt64, stride: Int = 1,
                              check: (_ fast: [UInt32], _ slow: [UInt32], _ text: [UInt8]) -> Void) -> Int {
    var rng = SplitMix64(state: seed)
    var m = GrammarMatcher(grammar)
    var text: [UInt8] = []
    var compared = 0
    let vocabulary = grammar.vocabulary
    let punctuation = Set(#""{}[],:"#.utf8)
    for step in 0..<steps {
        let fast = mask(of: m)
        if step % stride == 0 {
            check(fast, bruteForceMask(of: m), text)
            compared += 1
        }
        var choices = allowedTokens(fast, count: vocabulary.count).filter { !vocabulary.isEnd($0) }
        // As in the benchmark: a quarter of the picks favour JSON punctuation, so walks leave strings.
        let structural = choices.filter { vocabulary.bytes(of: $0).contains { punctuation.contains($0) } }
        if !structural.isEmpty && Int.random(in: 0..<4, using: &rng) == 0 { choices = structural }
        if choices.isEmpty || (m.canEnd && Int.random(in: 0..<8, using: &rng) == 0) {
            m = GrammarMatcher(grammar)
            text = []
            continue
        }
        let token = choices.randomElement(using: &rng)!
        precondition(m.accept(token), "an allowed token was refused")
        text += vocabulary.bytes(of: token)
    }
    return compared
}

/// A small grammar (JSON-flavoured) over which a schema-shaped object is generated.
let personGBNF = #"""
    root ::= "{" ws "\"name\"" ws ":" ws string ws "," ws "\"age\"" ws ":" ws integer ws "," ws "\"tags\"" ws ":" ws "[" ws (string ws ("," ws string ws)*)? "]" ws "}"
    string ::= "\"" ([^"\\\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4}))* "\""
    integer ::= "-"? ([0-9] | [1-9] [0-9]{0,15})
    ws ::= [ \t\n]{0,20}
    """#
