import Grammar
import Testing

@Suite struct JSONSchemaTypeTests {
    @Test func primitiveTypes() throws {
        try expectSchema(#"{"type": "boolean"}"#, accepts: ["true", "false"], rejects: ["1", "null", "\"true\"", "True"])
        try expectSchema(#"{"type": "null"}"#, accepts: ["null"], rejects: ["0", "\"null\"", "nul"])
        try expectSchema(
            #"{"type": "number"}"#, accepts: ["0", "-0", "12", "-3.25", "1e10", "2.5E-3", "6e+2"],
            rejects: ["01", ".5", "1.", "-", "1e", "+1", "NaN", "\"1\""])
        try expectSchema(#"{"type": "integer"}"#, accepts: ["0", "-7", "123456789012345678901"], rejects: ["1.0", "1e2", "00", "-", "\"1\""])
    }

    /// Zero is the one bound numbers take: sign and non-zero digits decide it, whatever the exponent.
    @Test func numbersBoundedByZero() throws {
        let zeros = ["0", "-0", "0.0", "-0.000", "0e5", "-0.0E-3"]
        let positives = ["1", "0.001", "1e-300", "2.5E+3", "0.0001e2", "10"]
        let negatives = ["-1", "-0.001", "-1e-300", "-2.5E+3", "-0.0001e2"]
        try expectSchema(#"{"type": "number", "minimum": 0}"#, accepts: zeros + positives, rejects: negatives + ["01", "-"])
        try expectSchema(#"{"type": "number", "exclusiveMinimum": 0}"#, accepts: positives, rejects: zeros + negatives)
        try expectSchema(#"{"type": "number", "maximum": -0.0}"#, accepts: zeros + negatives, rejects: positives)
        try expectSchema(#"{"type": "number", "exclusiveMaximum": 0}"#, accepts: negatives, rejects: zeros + positives)
        try expectSchema(#"{"type": "number", "minimum": 0, "maximum": 0}"#, accepts: zeros, rejects: positives + negatives)
        try expectSchema(#"{"type": "number", "minimum": 0, "exclusiveMinimum": true}"#, accepts: positives, rejects: zeros)
        // Integers are numbers: with both types, the number grammar carries the bound.
        try expectSchema(#"{"type": ["integer", "number"], "minimum": 0}"#, accepts: ["3", "0.5"], rejects: ["-3"])
    }

    @Test func strings() throws {
        try expectSchema(
            #"{"type": "string"}"#,
            accepts: [#""""#, #""plain""#, #""é 中 🦙""#, #""\" \\ \/ \b \f \n \r \t \u00e9 \uD83E\uDD99""#],
            rejects: [#""unterminated"#, "\"tab\there\"", "\"new\nline\"", #""\x""#, #""\u12g4""#, #"'single'"#, "42"])
    }

    @Test func stringLengthsCountCharactersAndEscapes() throws {
        try expectSchema(
            #"{"type": "string", "minLength": 2, "maxLength": 3}"#,
            accepts: [#""ab""#, #""abc""#, #""éé""#, #""\n\t""#, #""a\u0041""#],
            rejects: [#""""#, #""a""#, #""abcd""#, #""\n""#])
        try expectSchema(#"{"type": "string", "minLength": 1}"#, accepts: [#""a""#, #""a long string""#], rejects: [#""""#])
        try expectSchema(#"{"type": "string", "maxLength": 0}"#, accepts: [#""""#], rejects: [#""a""#])
    }

    @Test func typeLists() throws {
        try expectSchema(#"{"type": ["string", "null"]}"#, accepts: [#""x""#, "null"], rejects: ["1", "true", "{}"])
        try expectSchema(
            #"{"type": ["integer", "boolean"], "minimum": 3}"#, accepts: ["3", "100", "true"], rejects: ["2", "null", "3.5"])
        // Keywords of other types do not apply: maxLength only bounds strings.
        try expectSchema(#"{"type": ["string", "integer"], "maxLength": 1}"#, accepts: [#""a""#, "12345"], rejects: [#""ab""#])
    }

    @Test func emptySchemaMatchesAnyValue() throws {
        try expectSchema("{}", accepts: ["1", #""s""#, "null", #"{"a": [1, {"b": false}]}"#, "[]"], rejects: ["{a: 1}", ""])
        try expectSchema(#"{"description": "anything"}"#, accepts: ["[true]"], rejects: ["[true,]"])
    }

    @Test func enumMatchesItsValuesInCanonicalForm() throws {
        try expectSchema(
            #"{"enum": ["red", 42, null, true, {"k": [1, "two"]}, "quote\"\n", -1.5]}"#,
            accepts: [#""red""#, "42", "null", "true", #"{"k": [1, "two"]}"#, #"{"k":[1,"two"]}"#, #""quote\"\n""#, "-1.5"],
            rejects: [#""blue""#, "43", "false", #"{"k": [1]}"#, #""Red""#, "42.0", #"{"k": [1, "two"], "x": 1}"#])
    }

    @Test func enumKeepsOnlyValuesOfTheAllowedType() throws {
        try expectSchema(#"{"type": "string", "enum": ["a", 1, null]}"#, accepts: [#""a""#], rejects: ["1", "null"])
        try expectSchema(#"{"type": "integer", "enum": [1, 2.0, 2.5]}"#, accepts: ["1", "2.0"], rejects: ["2.5"])
    }

    @Test func const() throws {
        try expectSchema(#"{"const": "fixed"}"#, accepts: [#""fixed""#], rejects: [#""fixe""#, #""fixedd""#, "null"])
        try expectSchema(#"{"const": {"a": [1, 2]}}"#, accepts: [#"{"a": [1, 2]}"#], rejects: [#"{"a": [2, 1]}"#, "{}"])
    }
}
