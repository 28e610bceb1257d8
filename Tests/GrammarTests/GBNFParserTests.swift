import Testing
@testable import Grammar

@Suite struct GBNFParserTests {
    @Test func literalsAndEscapes() throws {
        #expect(try matches(#"root ::= "ab""#, "ab"))
        #expect(try !matches(#"root ::= "ab""#, "a"))
        #expect(try matches(#"root ::= "\n\r\t\\\"\[\]""#, "\n\r\t\\\"[]"))
        #expect(try matches(#"root ::= "\x41\u00e9\U0001F600""#, "Aé😀"))
        #expect(try matches(#"root ::= "é😀""#, "é😀"))
    }

    @Test func characterClasses() throws {
        let g = #"root ::= [a-c0-9_]"#
        for s in ["a", "c", "5", "_"] { #expect(try matches(g, s)) }
        for s in ["d", "-", "ab", ""] { #expect(try !matches(g, s)) }
        let negated = #"root ::= [^"\\]"#
        #expect(try matches(negated, "x"))
        #expect(try matches(negated, "é"))
        #expect(try !matches(negated, "\""))
        #expect(try !matches(negated, "\\"))
        #expect(try matches(#"root ::= [-a]"#, "-"))
        #expect(try matches(#"root ::= [\]]"#, "]"))
        #expect(try matches(#"root ::= [\x00-\x1F]"#, "\u{1F}"))
    }

    @Test func anyCharacter() throws {
        for s in ["a", "é", "€", "😀", "\u{0}"] { #expect(try matches("root ::= .", s)) }
        #expect(try !matches("root ::= .", "ab"))
    }

    @Test func groupsAlternativesAndReferences() throws {
        let g = #"""
            root ::= greeting (" " name)+ | "hi"
            greeting ::= "hello" | "hey"
            name ::= [a-z]+
            """#
        #expect(try matches(g, "hello bob"))
        #expect(try matches(g, "hey bob al"))
        #expect(try matches(g, "hi"))
        #expect(try !matches(g, "hello"))
        #expect(try !matches(g, "hello Bob"))
    }

    @Test func repetitionOperators() throws {
        #expect(try matches(#"root ::= "a"*"#, ""))
        #expect(try matches(#"root ::= "a"*"#, "aaaa"))
        #expect(try !matches(#"root ::= "a"+"#, ""))
        #expect(try matches(#"root ::= "a"+"#, "aaa"))
        #expect(try matches(#"root ::= "a"? "b""#, "b"))
        #expect(try matches(#"root ::= "a"? "b""#, "ab"))
        #expect(try !matches(#"root ::= "a"? "b""#, "aab"))
        for (n, ok) in [(1, false), (2, true), (3, false)] { #expect(try matches(#"root ::= "a"{2}"#, String(repeating: "a", count: n)) == ok) }
        for (n, ok) in [(1, false), (2, true), (9, true)] { #expect(try matches(#"root ::= "a"{2,}"#, String(repeating: "a", count: n)) == ok) }
        for (n, ok) in [(0, true), (1, true), (3, true), (4, false)] { #expect(try matches(#"root ::= "a"{0,3}"#, String(repeating: "a", count: n)) == ok) }
        for (n, ok) in [(1, false), (2, true), (3, true), (4, false)] { #expect(try matches(#"root ::= ("a" | "b"){ 2 , 3 }"#, String(repeating: "a", count: n)) == ok) }
    }

    @Test func commentsAndRulesAcrossLines() throws {
        let g = """
            # leading comment
            root ::= "a" # trailing comment
              "b"
              | "c"
            other ::= (
              "x" |
              "y"
            ) root
            """
        #expect(try matches(g, "ab"))
        #expect(try matches(g, "c"))
        #expect(try !matches(g, "a"))
        #expect(try matches(g, "xab", root: "other"))
    }

    @Test func customRoot() throws {
        let g = try Grammar(gbnf: #"start ::= "s""#, root: "start")
        var m = GrammarMatcher(CompiledGrammar(g, vocabulary: TokenVocabulary(tokens: [], endTokens: [])))
        let accepted = m.accept(bytes: Array("s".utf8))
        #expect(accepted && m.canEnd)
    }

    @Test func errorsNameTheirPlace() {
        #expect(parseError(#"root "a""#) == "line 1, column 6: expected '::='")
        #expect(parseError("root ::= \"a\"\n\nx ::= \"b\" )") == "line 3, column 11: expected a newline or the end of the grammar")
        #expect(parseError("root ::= \"a\"\n  y ::= z") == "line 2, column 9: rule 'z' is used but never defined")
        #expect(parseError("root ::= value") == "line 1, column 10: rule 'value' is used but never defined")
        #expect(parseError(#"other ::= "a""#) == "the root rule 'root' is not defined")
        #expect(parseError("") == "the grammar has no rules")
        #expect(parseError("  # nothing\n") == "the grammar has no rules")
        #expect(parseError(#"root ::= "\q""#) == #"line 1, column 11: unknown escape '\q'"#)
        #expect(parseError(#"root ::= "\x4""#) == "line 1, column 11: escape needs 2 hexadecimal digits")
        #expect(parseError(#"root ::= "\uD800""#) == "line 1, column 11: escape is not a Unicode scalar value")
        #expect(parseError(#"root ::= "a"{3,2}"#) == "line 1, column 14: repetition bounds {3,2}: the maximum is below the minimum")
        #expect(parseError(#"root ::= "a"{1000000}"#) == "line 1, column 14: repetition bound above 100000")
        #expect(parseError(#"root ::= ("a"{1000}){1000}"#) == "the grammar is too large: more than 100000 elements once repetitions are expanded")
        #expect(parseError(#"root ::= "ab"#) == "line 1, column 13: unterminated string literal")
        #expect(parseError("root ::= [ab") == "line 1, column 13: unterminated character class")
        #expect(parseError("root ::= [z-a]") == "line 1, column 11: character range is backwards")
        #expect(parseError(#"root ::= ("a""#) == "line 1, column 14: expected ')'")
        #expect(parseError("root ::= *") == "line 1, column 10: expected an item before '*'")
        #expect(parseError("root ::= \"a\"\nroot ::= \"b\"") == "line 2, column 1: rule 'root' is defined twice")
        #expect(parseError(#"root ::= [^\x00-\U0010FFFF]"#) == "a character class in rule 'root' matches nothing")
    }

    @Test func leftRecursionIsRefused() {
        #expect(parseError(#"root ::= root "a" | "b""#) == "rule 'root' is left-recursive: it can reach itself without consuming input")
        #expect(parseError("root ::= x \"a\"\nx ::= y? root") != nil)
        #expect(parseError(#"root ::= ("a"?)*"#)?.contains("left-recursive") == true)
        // Right recursion is fine.
        #expect(parseError(#"root ::= "a" root | "b""#) == nil)
    }
}

private func matches(_ gbnf: String, _ text: String, root: String) throws -> Bool {
    var m = GrammarMatcher(CompiledGrammar(try Grammar(gbnf: gbnf, root: root), vocabulary: TokenVocabulary(tokens: [], endTokens: [])))
    return m.accept(bytes: Array(text.utf8)) && m.canEnd
}
