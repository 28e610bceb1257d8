import Grammar
import Testing

@Suite struct JSONSchemaReferenceTests {
    @Test func definitionsByReference() throws {
        let schema = #"""
            {"type": "object", "properties": {"home": {"$ref": "#/$defs/address"}, "work": {"$ref": "#/definitions/address"}},
             "required": ["home"],
             "$defs": {"address": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}},
             "definitions": {"address": {"type": "object", "properties": {"zip": {"type": "integer"}}, "required": ["zip"]}}}
            """#
        try expectSchema(
            schema, accepts: [#"{"home": {"city": "Oslo"}}"#, #"{"home": {"city": "Oslo"}, "work": {"zip": 150}}"#],
            rejects: [#"{"home": {"zip": 1}}"#, #"{"home": {"city": "Oslo"}, "work": {"city": "Oslo"}}"#])
    }

    @Test func recursiveTree() throws {
        let schema = #"""
            {"$ref": "#/$defs/node", "$defs": {"node": {"type": "object", "required": ["value"],
              "properties": {"value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}}}
            """#
        try expectSchema(
            schema,
            accepts: [#"{"value": 1}"#, #"{"value": 1, "children": [{"value": 2, "children": []}, {"value": 3, "children": [{"value": 4}]}]}"#],
            rejects: [#"{"value": 1, "children": [{"name": 2}]}"#, #"{"value": 1, "children": [{"value": 2, "children": [{"value": "x"}]}]}"#])
    }

    @Test func recursionThroughTheRoot() throws {
        let schema = #"""
            {"type": "object", "properties": {"name": {"type": "string"}, "next": {"anyOf": [{"$ref": "#"}, {"type": "null"}]}},
             "required": ["name", "next"]}
            """#
        try expectSchema(
            schema, accepts: [#"{"name": "a", "next": null}"#, #"{"name": "a", "next": {"name": "b", "next": {"name": "c", "next": null}}}"#],
            rejects: [#"{"name": "a"}"#, #"{"name": "a", "next": {"name": "b"}}"#, #"{"name": "a", "next": 1}"#])
    }

    @Test func anyOfBranches() throws {
        try expectSchema(
            ##"{"anyOf": [{"type": "integer", "minimum": 5}, {"type": "string", "maxLength": 1}, {"$ref": "#/$defs/flag"}], "$defs": {"flag": {"const": true}}}"##,
            accepts: ["5", "99", #""a""#, "true"], rejects: ["4", #""ab""#, "null", "false"])
    }

    @Test func oneOfIsCompiledAsAnyOf() throws {
        try expectSchema(
            #"""
            {"oneOf": [{"type": "object", "properties": {"kind": {"const": "circle"}, "r": {"type": "number"}}, "required": ["kind", "r"]},
                       {"type": "object", "properties": {"kind": {"const": "square"}, "side": {"type": "number"}}, "required": ["kind", "side"]}]}
            """#,
            accepts: [#"{"kind": "circle", "r": 1.5}"#, #"{"kind": "square", "side": 2}"#],
            rejects: [#"{"kind": "circle", "side": 2}"#, #"{"kind": "triangle", "r": 1}"#])
    }

    /// Pydantic's tagged unions: `oneOf` of `$ref`s with OpenAPI's `discriminator` beside it.
    @Test func discriminatedUnion() throws {
        let schema = #"""
            {"type": "object", "required": ["pet"], "properties": {"pet": {
               "oneOf": [{"$ref": "#/$defs/Cat"}, {"$ref": "#/$defs/Dog"}],
               "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/$defs/Cat", "dog": "#/$defs/Dog"}}}},
             "$defs": {
               "Cat": {"type": "object", "required": ["kind", "lives"], "properties": {"kind": {"const": "cat", "type": "string"}, "lives": {"type": "integer", "maximum": 9}}},
               "Dog": {"type": "object", "required": ["kind"], "properties": {"kind": {"const": "dog", "type": "string"}, "good": {"type": "boolean"}}}}}
            """#
        try expectSchema(
            schema, accepts: [#"{"pet": {"kind": "cat", "lives": 9}}"#, #"{"pet": {"kind": "dog"}}"#, #"{"pet": {"kind": "dog", "good": true}}"#],
            rejects: [#"{"pet": {"kind": "cat", "lives": 10}}"#, #"{"pet": {"kind": "dog", "lives": 1}}"#, #"{"pet": {"kind": "cow"}}"#])
    }

    @Test func singleSchemaAllOf() throws {
        try expectSchema(
            ##"{"allOf": [{"$ref": "#/$defs/n"}], "description": "wrapped", "$defs": {"n": {"type": "integer", "maximum": 3}}}"##,
            accepts: ["3", "-1"], rejects: ["4", #""3""#])
    }

    @Test func pointerEscapesInReferences() throws {
        try expectSchema(
            ##"{"$ref": "#/$defs/a~1b~0c%20d", "$defs": {"a/b~c d": {"const": 1}}}"##, accepts: ["1"], rejects: ["2"])
    }
}
