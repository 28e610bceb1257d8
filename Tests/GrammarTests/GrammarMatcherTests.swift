import Testing
@testable import Grammar

@Suite struct GrammarMatcherTests {
    @Test func nondeterminismKeepsEveryParse() throws {
        let g = #"root ::= "x" "y" | "x" "z" | a"# + "\na ::= \"x\"+ \"w\""
        #expect(try matches(g, "xy"))
        #expect(try matches(g, "xz"))
        #expect(try matches(g, "xxxw"))
        #expect(try !matches(g, "xyz"))
        #expect(try !isPrefix(g, Array("xv".utf8)))
    }

    @Test func rejectedBytesLeaveTheStateAlone() throws {
        var m = try matcher(#"root ::= "ab" "c"*"#)
        let accepted1 = m.accept(bytes: Array("a".utf8))
        #expect(accepted1)
        let accepted2 = m.accept(bytes: Array("bx".utf8))
        #expect(!accepted2)
        let accepted3 = m.accept(bytes: Array("bcc".utf8))
        #expect(accepted3)
        #expect(m.canEnd)
    }

    @Test func canEndAndExhausted() throws {
        var m = try matcher(#"root ::= "a" "b"?"#)
        #expect(!m.canEnd && !m.isExhausted)
        let accepted4 = m.accept(bytes: Array("a".utf8))
        #expect(accepted4)
        #expect(m.canEnd && !m.isExhausted)
        let accepted5 = m.accept(bytes: Array("b".utf8))
        #expect(accepted5)
        #expect(m.canEnd && m.isExhausted)
        let accepted6 = m.accept(bytes: Array("b".utf8))
        #expect(!accepted6)
    }

    @Test func repetitionBoundsAreExact() throws {
        var m = try matcher(#"root ::= [0-9]{2,4} "." "#)
        let accepted7 = m.accept(bytes: Array("1.".utf8))
        #expect(!accepted7)
        let accepted8 = m.accept(bytes: Array("1234".utf8))
        #expect(accepted8)
        let accepted9 = m.accept(bytes: Array("5".utf8))
        #expect(!accepted9)
        let accepted10 = m.accept(bytes: Array(".".utf8))
        #expect(accepted10 && m.isExhausted)
    }

    @Test func utf8ClassesMatchWholeScalarsOnly() throws {
        let greek = "root ::= [α-ω]+"
        #expect(try matches(greek, "αβω"))
        #expect(try !matches(greek, "a"))
        #expect(try isPrefix(greek, [0xCE]))  // the first byte of α
        #expect(try !matches(greek, "\u{3A9}"))  // Ω is outside α-ω
        let notA = "root ::= [^a]"
        for s in ["b", "é", "€", "😀", "\u{10FFFF}"] { #expect(try matches(notA, s)) }
        #expect(try !matches(notA, "a"))
        // Malformed UTF-8 is refused: overlong, lone continuation, surrogate, above U+10FFFF.
        for bytes: [UInt8] in [[0xC0, 0x80], [0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE0, 0x80]] {
            #expect(try !isPrefix(notA, bytes), "\(bytes)")
        }
        // Ranges across encoding lengths.
        let wide = #"root ::= [\x7E-\u0801]"#
        for s in ["~", "\u{7F}", "\u{80}", "\u{7FF}", "\u{800}", "\u{801}"] { #expect(try matches(wide, s)) }
        for s in ["}", "\u{802}"] { #expect(try !matches(wide, s)) }
    }

    @Test func jsonGrammarAcceptsJSON() throws {
        let g = JSONSchemaGrammar.anyObjectGBNF
        #expect(try matches(g, #"{"a": [1, -2.5e3, "x\u00e9\n", true, null, {}], "b": {"c": []}}"#))
        #expect(try matches(g, "{\n  \"é\": \"😀\"\n}"))
        #expect(try !matches(g, #"{"a": }"#))
        #expect(try !matches(g, #"{"a": 01}"#))
        #expect(try !matches(g, "{\"a\": \"\u{1}\"}"))
        #expect(try !isPrefix(g, Array(#"{"a": tru "#.utf8)))
    }

    @Test func copiesAreIndependent() throws {
        var a = try matcher(#"root ::= "x" ("y" | "z")"#)
        let accepted11 = a.accept(bytes: Array("x".utf8))
        #expect(accepted11)
        var b = a
        let accepted12 = a.accept(bytes: Array("y".utf8))
        #expect(accepted12)
        let accepted13 = b.accept(bytes: Array("q".utf8))
        #expect(!accepted13)
        let accepted14 = b.accept(bytes: Array("z".utf8))
        #expect(accepted14)
        #expect(a.isExhausted && b.isExhausted)
    }

    @Test func tooManyStacksAreRefused() throws {
        // Each "a" doubles the parses (every open "a" may close with "b" or "c"): the step that would
        // pass the bound is refused rather than slowing every later step down.
        var m = try matcher("root ::= s\ns ::= \"a\" s \"b\" | \"a\" s \"c\" | \"\"")
        let eight = m.accept(bytes: Array(repeating: UInt8(ascii: "a"), count: 8))
        #expect(eight)
        let more = m.accept(bytes: Array(repeating: UInt8(ascii: "a"), count: 4))
        #expect(!more)
        let closed = m.accept(bytes: Array(repeating: UInt8(ascii: "b"), count: 8))
        #expect(closed && m.canEnd)
    }

    @Test func exponentiallyManyEmptyParsesAreCutShort() throws {
        // 2^40 ways to match nothing before "z": the byte is refused after a bounded amount of work.
        var m = try matcher("root ::= " + String(repeating: "a ", count: 40) + #""z""# + "\n" + #"a ::= "" | """#)
        let clock = ContinuousClock()
        let start = clock.now
        let y = m.accept(bytes: Array("y".utf8))
        #expect(!y)
        #expect(clock.now - start < .seconds(2))
    }
}
