import Grammar
import Testing

@Suite struct JSONSchemaObjectTests {
    static let person = #"""
        {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0, "maximum": 150}},
         "required": ["name"], "title": "Person", "description": "annotations are ignored"}
        """#

    @Test func requiredAndOptionalProperties() throws {
        try expectSchema(
            Self.person,
            accepts: [#"{"name": "Ada"}"#, #"{"name": "Ada", "age": 36}"#, "{\n  \"name\": \"Ada\",\n  \"age\": 150\n}"],
            rejects: [
                #"{"age": 36}"#,  // missing required
                #"{"name": "Ada", "age": 151}"#, #"{"name": "Ada", "age": -1}"#,  // nested violation
                #"{"name": 7}"#,  // wrong type
                #"{"name": "Ada", "nick": "A"}"#,  // absent additionalProperties counts as false
                #"{"name": "Ada",}"#, #"{, "name": "Ada"}"#, "[]", "null",
            ])
    }

    @Test func propertiesComeInSchemaOrder() throws {
        try expectSchema(
            #"{"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}, "required": ["a", "b"]}"#,
            accepts: [#"{"a": 1, "b": 2}"#], rejects: [#"{"b": 2, "a": 1}"#, #"{"a": 1, "a": 1, "b": 2}"#])
    }

    /// Every subset of four properties, for several choices of which are required: present iff the required
    /// ones are all there. The grammar picks the first member present, so each position is exercised.
    @Test(arguments: [[], ["a"], ["b"], ["d"], ["a", "c"], ["b", "d"], ["a", "b", "c", "d"]] as [[String]])
    func anySubsetOfOptionalProperties(required: [String]) throws {
        let values = ["a": "1", "b": "true", "c": "null", "d": #""s""#]
        let schema = #"""
            {"type": "object", "required": [\#(required.map { "\"\($0)\"" }.joined(separator: ", "))],
             "properties": {"a": {"type": "integer"}, "b": {"type": "boolean"}, "c": {"type": "null"}, "d": {"type": "string"}}}
            """#
        let grammar = try SchemaGrammar(schema: schema)
        for mask in 0..<16 {
            let keys = ["a", "b", "c", "d"].enumerated().filter { mask >> $0.offset & 1 == 1 }.map(\.element)
            let text = "{" + keys.map { "\"\($0)\": \(values[$0]!)" }.joined(separator: ", ") + "}"
            #expect(grammar.accepts(text) == required.allSatisfy(keys.contains), "\(text)")
        }
    }

    @Test func additionalPropertiesTrueAllowsOtherKeysAfterTheNamedOnes() throws {
        try expectSchema(
            #"{"type": "object", "properties": {"id": {"type": "integer"}}, "additionalProperties": true}"#,
            accepts: ["{}", #"{"id": 1}"#, #"{"id": 1, "x": [1, {}], "y": null}"#, #"{"x": "only extra"}"#],
            rejects: [#"{"id": "one"}"#, #"{"id": 1, "x": }"#])
    }

    /// Other keys cannot be named ones: every short key over a small alphabet is accepted as an additional
    /// property (whose value must be null) exactly when it is not one of the named properties (integers).
    @Test func additionalKeysExcludeTheNamedOnes() throws {
        let named = ["a", "ab", "b\\\"c", ""]
        let schema = #"{"type": "object", "properties": {"a": {"type": "integer"}, "ab": {"type": "integer"}, "b\"c": {"type": "integer"}, "": {"type": "integer"}}, "additionalProperties": {"type": "null"}}"#
        let grammar = try SchemaGrammar(schema: schema)
        var keys = [""]
        for _ in 0..<3 { keys += keys.flatMap { key in ["a", "b", "c", "\\\"", "é"].map { key + $0 } } }
        for key in Set(keys) {
            #expect(grammar.accepts("{\"\(key)\": null}") == !named.contains(key), "\(key)")
        }
        #expect(grammar.accepts(#"{"ab": 1, "abc": null}"#))
        #expect(!grammar.accepts(#"{"ab": 1, "ab": null}"#))
    }

    @Test func additionalPropertiesSchemaConstrainsTheOtherValues() throws {
        try expectSchema(
            #"{"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}"#,
            accepts: ["{}", #"{"a": 1}"#, #"{"a": 1, "b": 0}"#], rejects: [#"{"a": -1}"#, #"{"a": "x"}"#])
        // A required key `properties` does not name takes the additional properties' schema.
        try expectSchema(
            #"{"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a", "b"], "additionalProperties": {"type": "string"}}"#,
            accepts: [#"{"a": 1, "b": "x"}"#, #"{"a": 1, "b": "x", "c": "y"}"#], rejects: [#"{"a": 1}"#, #"{"a": 1, "b": 2}"#])
    }

    @Test func objectWithoutPropertiesIsEmptyUnlessAdditionalPropertiesSaysOtherwise() throws {
        try expectSchema(#"{"type": "object"}"#, accepts: ["{}", "{ }"], rejects: [#"{"a": 1}"#])
        try expectSchema(#"{"type": "object", "additionalProperties": false}"#, accepts: ["{}"], rejects: [#"{"a": 1}"#])
    }

    @Test func nestedObjects() throws {
        let schema = #"""
            {"type": "object", "required": ["user"], "properties": {"user": {"type": "object", "required": ["address"],
              "properties": {"address": {"type": "object", "required": ["zip"], "properties": {"zip": {"type": "string", "maxLength": 5}}}}}}}
            """#
        try expectSchema(
            schema, accepts: [#"{"user": {"address": {"zip": "12345"}}}"#],
            rejects: [#"{"user": {"address": {"zip": "123456"}}}"#, #"{"user": {"address": {}}}"#, #"{"user": {}}"#])
    }

    @Test func keysAreWrittenAsJSONStrings() throws {
        try expectSchema(
            #"{"type": "object", "properties": {"a \"quoted\" key": {"type": "integer"}, "é/ü": {"type": "integer"}}, "required": ["a \"quoted\" key", "é/ü"]}"#,
            accepts: [#"{"a \"quoted\" key": 1, "é/ü": 2}"#], rejects: [#"{"a "quoted" key": 1, "é/ü": 2}"#])
    }
}
