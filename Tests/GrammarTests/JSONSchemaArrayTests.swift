import Grammar
import Testing

@Suite struct JSONSchemaArrayTests {
    @Test func itemsWithCountBounds() throws {
        try expectSchema(
            #"{"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 4}"#,
            accepts: ["[1, 2]", "[1,2,3]", "[1, 2, 3, 4]", "[\n  1,\n  2\n]"],
            rejects: ["[]", "[1]", "[1, 2, 3, 4, 5]", #"[1, "a"]"#, "[1, 2,]", "[,1, 2]", "{}"])
        try expectSchema(#"{"type": "array", "items": {"type": "string"}}"#, accepts: ["[]", #"["a"]"#, #"["a", "b"]"#], rejects: ["[1]", "[,]"])
        try expectSchema(#"{"type": "array", "maxItems": 0}"#, accepts: ["[]", "[ ]"], rejects: ["[1]"])
        try expectSchema(#"{"type": "array", "minItems": 1}"#, accepts: [#"[1, "x", null]"#], rejects: ["[]"])
    }

    @Test func prefixItems() throws {
        try expectSchema(
            #"{"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false}"#,
            accepts: ["[]", #"["a"]"#, #"["a", 1]"#], rejects: [#"["a", 1, 2]"#, "[1]", #"["a", "b"]"#])
        try expectSchema(
            #"{"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": {"type": "boolean"}, "minItems": 3, "maxItems": 4}"#,
            accepts: [#"["a", 1, true]"#, #"["a", 1, true, false]"#], rejects: [#"["a", 1]"#, #"["a", 1, 2]"#, #"["a", 1, true, false, true]"#])
        // Without `items`, elements after the prefix are anything.
        try expectSchema(
            #"{"type": "array", "prefixItems": [{"const": 0}], "minItems": 1}"#, accepts: ["[0]", #"[0, "x", {}]"#], rejects: ["[]", "[1]"])
    }

    @Test func draft7TupleItems() throws {
        try expectSchema(
            #"{"type": "array", "items": [{"type": "integer"}, {"type": "null"}], "additionalItems": false}"#,
            accepts: ["[1, null]", "[1]"], rejects: ["[1, null, 2]", "[null]"])
    }

    @Test func nestedArraysOfObjects() throws {
        let schema = #"""
            {"type": "array", "items": {"type": "object", "properties": {"tags": {"type": "array", "items": {"enum": ["a", "b"]}, "maxItems": 2}},
             "required": ["tags"]}}
            """#
        try expectSchema(
            schema, accepts: [#"[{"tags": []}, {"tags": ["a", "b"]}]"#],
            rejects: [#"[{"tags": ["c"]}]"#, #"[{"tags": ["a", "b", "a"]}]"#, #"[{}]"#])
    }
}
