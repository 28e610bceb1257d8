import Grammar
import Testing

/// A schema's grammar run through the byte-level matcher: what the server will enforce.
struct SchemaGrammar {
    let gbnf: String
    private let compiled: CompiledGrammar

    init(gbnf: String, root: String = "root") throws {
        self.gbnf = gbnf
        // Texts are fed as bytes, so no tokens are needed.
        compiled = CompiledGrammar(try Grammar(gbnf: gbnf, root: root), vocabulary: TokenVocabulary(tokens: [], endTokens: []))
    }

    init(schema: String) throws {
        try self.init(gbnf: try JSONSchemaGrammar.gbnf(schema: schema))
    }

    func accepts(_ text: String) -> Bool {
        var matcher = GrammarMatcher(compiled)
        return matcher.accept(bytes: Array(text.utf8)) && matcher.canEnd
    }
}

/// Expects `schema`'s grammar to accept every text in `valid` and none in `invalid`.
func expectSchema(
    _ schema: String, accepts valid: [String], rejects invalid: [String] = [], sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let grammar = try SchemaGrammar(schema: schema)
    for text in valid {
        #expect(grammar.accepts(text), "should accept \(text)\n\(grammar.gbnf)", sourceLocation: sourceLocation)
    }
    for text in invalid {
        #expect(!grammar.accepts(text), "should reject \(text)\n\(grammar.gbnf)", sourceLocation: sourceLocation)
    }
}

@Suite struct JSONSchemaTests {
    @Test func anyObjectAcceptsNestedObjectsOnly() throws {
        let grammar = try SchemaGrammar(gbnf: JSONSchemaGrammar.anyObjectGBNF)
        for text in [#"{}"#, #"{"a": 1}"#, #"{"a": {"b": [1, "x", null, true, {"c": []}]}, "d": -1.5e3}"#, "{\n  \"a\": [\n    {}\n  ]\n}"] {
            #expect(grammar.accepts(text), "\(text)")
        }
        for text in [#"[1, 2]"#, #"42"#, #""x""#, #"null"#, #"{"a": }"#, #"{"a": 1,}"#, #"{a: 1}"#, #"{"a": 01}"#] {
            #expect(!grammar.accepts(text), "\(text)")
        }
    }

    @Test func prefixedRulesComposeInOneGrammar() throws {
        let person = #"{"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}"#
        let point = #"{"type": "object", "properties": {"x": {"type": "integer", "minimum": 0}, "y": {"type": "integer"}}, "required": ["x", "y"]}"#
        let first = try JSONSchemaGrammar.rules(schema: person, prefix: "tool1-")
        let second = try JSONSchemaGrammar.rules(schema: point, prefix: "tool2-")
        #expect(first.root == "tool1-root" && second.root == "tool2-root")
        for rules in [first.gbnf, second.gbnf] {
            let names = rules.split(separator: "\n").map { $0.prefix { $0 != " " } }
            #expect(names.allSatisfy { $0.hasPrefix("tool") }, "\(rules)")
        }
        // Both define their own `string`, `ws`, … rules; the prefixes keep them apart.
        let combined = "root ::= \(first.root) \" | \" \(second.root)\n" + first.gbnf + second.gbnf
        let grammar = try SchemaGrammar(gbnf: combined)
        #expect(grammar.accepts(#"{"name": "a"} | {"x": 1, "y": -2}"#))
        #expect(!grammar.accepts(#"{"name": "a"} | {"x": -1, "y": 2}"#))
        #expect(!grammar.accepts(#"{"x": 1, "y": 2} | {"name": "a"}"#))
    }

    @Test func rulesMatchTheSchemaFromTheirRoot() throws {
        let rules = try JSONSchemaGrammar.rules(schema: #"{"enum": ["on", "off"]}"#, prefix: "p-")
        let grammar = try SchemaGrammar(gbnf: rules.gbnf, root: rules.root)
        #expect(grammar.accepts(#""on""#))
        #expect(!grammar.accepts(#""of""#))
    }

    @Test func rejectsAPrefixThatIsNotARuleName() {
        #expect(throws: JSONSchemaError.self) { try JSONSchemaGrammar.rules(schema: "{}", prefix: "a_b") }
    }

    @Test func whitespaceIsBounded() throws {
        try expectSchema(
            #"{"type": "array", "items": {"type": "integer"}}"#,
            accepts: ["[1,2]", "[ 1, 2 ]", "[\n  1,\n  2\n]", "[\n\t\t1\n]"],
            rejects: ["[  1]", "[1 ,  2]", "[\n\n1]", "[\n" + String(repeating: " ", count: 33) + "1]", " [1]", "[1] "])
    }
}
