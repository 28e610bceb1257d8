import Grammar
import Testing

@Suite struct JSONSchemaErrorTests {
    /// Keywords that constrain output in ways the grammar cannot enforce exactly: each throws, naming itself and where it stands.
    @Test(arguments: [
        ("pattern", #""pattern": "^a""#), ("format", #""format": "date-time""#), ("multipleOf", #""multipleOf": 2"#),
        ("uniqueItems", #""uniqueItems": true"#), ("not", #""not": {}"#), ("if", #""if": {}, "then": {}"#),
        ("patternProperties", #""patternProperties": {}"#), ("minProperties", #""minProperties": 1"#),
        ("maxProperties", #""maxProperties": 1"#), ("dependentRequired", #""dependentRequired": {}"#),
        ("contains", #""contains": {}"#), ("propertyNames", #""propertyNames": {}"#), ("nullable", #""nullable": true"#),
    ])
    func unsupportedKeywordNamesItselfAndItsPath(keyword: String, member: String) {
        let schema = #"{"type": "object", "properties": {"outer": {"type": "object", "properties": {"a b/c": {\#(member)}}}}}"#
        #expect(throws: JSONSchemaError(path: "#/properties/outer/properties/a b~1c", message: "'\(keyword)' is not supported")) {
            try JSONSchemaGrammar.gbnf(schema: schema)
        }
    }

    @Test func descriptionNamesPathAndKeyword() {
        let error = JSONSchemaError(path: "#/properties/age", message: "'multipleOf' is not supported")
        #expect(error.description == "schema at #/properties/age: 'multipleOf' is not supported")
    }

    @Test(arguments: [
        (#"{"allOf": [{"type": "string"}, {"maxLength": 3}]}"#, "#", "allOf"),
        (#"{"type": "object", "anyOf": [{"required": ["a"]}]}"#, "#", "anyOf"),
        (##"{"$ref": "#/$defs/a", "maxLength": 3, "$defs": {"a": {}}}"##, "#", "$ref"),
        (#"{"enum": [1, 2], "minimum": 2}"#, "#", "enum"),
        (#"{"type": "number", "minimum": 1}"#, "#", "minimum"),
        (#"{"minimum": 0, "maximum": 10}"#, "#", "maximum"),
        (#"{"properties": {"p": {"type": "number", "exclusiveMaximum": 1.5}}}"#, "#/properties/p", "exclusiveMaximum"),
        (#"{"$ref": "https://example.com/schema.json"}"#, "#", "$ref"),
        (##"{"$ref": "#/$defs/missing"}"##, "#", "$ref"),
        (##"{"$ref": "#anchor"}"##, "#", "$ref"),
        (##"{"$ref": "#/$defs/a", "$defs": {"a": {"anyOf": [{"$ref": "#/$defs/b"}, {"type": "null"}]}, "b": {"$ref": "#/$defs/a"}}}"##, "#/$defs/a", "$ref"),
        (##"{"$ref": "#"}"##, "#", "$ref"),
        (#"{"type": "array", "additionalItems": false}"#, "#", "additionalItems"),
    ])
    func combinationsTheGrammarCannotExpress(schema: String, path: String, keyword: String) {
        let error = #expect(throws: JSONSchemaError.self) { try JSONSchemaGrammar.gbnf(schema: schema) }
        #expect(error?.path == path)
        #expect(error?.message.contains("'\(keyword)'") == true, "\(String(describing: error))")
    }

    @Test(arguments: [
        ("[1]", "#"), ("\"object\"", "#"), ("{\"type\": \"object\",", "#"), ("{} extra", "#"), ("false", "#"),
        (#"{"type": "decimal"}"#, "#"), (#"{"type": []}"#, "#"), (#"{"enum": []}"#, "#"), (#"{"anyOf": []}"#, "#"),
        (#"{"type": "object", "properties": {"a": {}}, "required": ["b"]}"#, "#"),
        (#"{"type": "object", "properties": {"a": {}}, "required": ["b"], "additionalProperties": false}"#, "#"),
        (#"{"type": "object", "properties": 3}"#, "#"), (#"{"type": "object", "required": "a"}"#, "#"),
        (#"{"type": "array", "minItems": 3, "maxItems": 2}"#, "#"),
        (#"{"type": "array", "prefixItems": [{}, {}], "items": false, "minItems": 3}"#, "#"),
        (#"{"type": "array", "minItems": -1}"#, "#"), (#"{"type": "array", "maxItems": 1.5}"#, "#"),
        (#"{"type": "array", "maxItems": 100000}"#, "#"), (#"{"type": "string", "minLength": 5, "maxLength": 4}"#, "#"),
        (#"{"type": "integer", "minimum": 5, "maximum": 4}"#, "#"), (#"{"type": "number", "minimum": 0, "exclusiveMaximum": 0}"#, "#"), (#"{"type": "integer", "exclusiveMinimum": 4, "maximum": 4}"#, "#"),
        (#"{"type": "integer", "maximum": 1e30}"#, "#"), (#"{"type": "integer", "minimum": "1"}"#, "#"),
        (#"{"type": "string", "enum": [1, 2]}"#, "#"), (#"{"items": {"type": "bogus"}, "type": "array"}"#, "#/items"),
        (#"{"type": "object", "properties": {"a": false}}"#, "#/properties/a"), (#"{"$ref": 1}"#, "#"),
    ])
    func badSchemasThrow(schema: String, path: String) {
        let error = #expect(throws: JSONSchemaError.self) { try JSONSchemaGrammar.gbnf(schema: schema) }
        #expect(error?.path == path, "\(String(describing: error))")
    }

    @Test func outputSizeIsBounded() {
        // 200 enum values of 2 KiB each: about 400 KiB of grammar.
        let long = String(repeating: "x", count: 2048)
        let schema = #"{"enum": ["# + (0..<200).map { "\"\(long)\($0)\"" }.joined(separator: ", ") + "]}"
        #expect(throws: JSONSchemaError(path: "#", message: "the grammar would exceed 256 KiB")) { try JSONSchemaGrammar.gbnf(schema: schema) }
    }

    @Test func annotationsAreIgnored() throws {
        let schema = #"""
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "x", "$comment": "c", "title": "T", "description": "D",
             "default": 1, "examples": [1], "deprecated": false, "readOnly": true, "writeOnly": false, "type": "integer"}
            """#
        try expectSchema(schema, accepts: ["1"], rejects: ["\"1\""])
    }
}
