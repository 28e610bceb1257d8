/// `anyOf`/`oneOf`, a single-element `allOf`, `$ref` (see +References), and `enum`/`const`.
extension SchemaCompiler {
    mutating func composition(_ keyword: String, _ argument: JSONValue, at path: SchemaPath) throws(JSONSchemaError) -> String {
        switch keyword {
        case "$ref": return try reference(argument, at: path)
        case "allOf":
            // A single-element allOf is just its schema (older Pydantic wraps `$ref`s this way); more need intersection.
            guard case .array(let schemas) = argument, schemas.count == 1 else {
                throw JSONSchemaError(at: path, "'allOf' with other than exactly one schema is not supported")
            }
            return try expression(schemas[0], at: path.appending("allOf").appending(0))
        default:
            // oneOf is compiled as anyOf: exclusivity between branches cannot be enforced by a grammar cheaply,
            // and branches of real schemas (tagged unions) rarely overlap.
            guard case .array(let schemas) = argument, !schemas.isEmpty else {
                throw JSONSchemaError(at: path, "'\(keyword)' must be a non-empty list of schemas")
            }
            var branches: [String] = []
            for (index, schema) in schemas.enumerated() {
                let branchPath = path.appending(keyword).appending(index)
                branches.append(named(try expression(schema, at: branchPath), for: branchPath))
            }
            return branches.count == 1 ? branches[0] : "( " + branches.joined(separator: " | ") + " )"
        }
    }

    // MARK: enum and const

    /// `enum` values, or the `const` value, that have one of the allowed types, as literals. A value matches in
    /// its canonical form: strings with the shortest escapes, numbers as written in the schema, objects'
    /// members in schema order; whitespace between tokens as everywhere else.
    mutating func literals(_ keyword: String, _ argument: JSONValue, types: [String], at path: SchemaPath) throws(JSONSchemaError) -> String {
        let values: [JSONValue]
        if keyword == "const" {
            values = [argument]
        } else {
            guard case .array(let list) = argument, !list.isEmpty else {
                throw JSONSchemaError(at: path, "'enum' must be a non-empty list")
            }
            values = list
        }
        var alternatives: [String] = []
        for value in values where types.contains(where: { Self.has(value, type: $0) }) {
            let literal = literal(value)
            if !alternatives.contains(literal) { alternatives.append(literal) }
        }
        if alternatives.isEmpty { throw JSONSchemaError(at: path, "no '\(keyword)' value has the allowed 'type'") }
        return alternatives.count == 1 ? alternatives[0] : "( " + alternatives.joined(separator: " | ") + " )"
    }

    private static func has(_ value: JSONValue, type: String) -> Bool {
        switch (value, type) {
        case (.null, "null"), (.bool, "boolean"), (.number, "number"), (.string, "string"), (.array, "array"), (.object, "object"):
            true
        case (.number(let lexeme), "integer"): IntegerBound(lexeme: lexeme)?.isWhole ?? false
        default: false
        }
    }

    private mutating func literal(_ value: JSONValue) -> String {
        switch value {
        case .null: return GBNF.literal("null")
        case .bool(let bool): return GBNF.literal(bool ? "true" : "false")
        case .number(let lexeme): return GBNF.literal(lexeme)
        case .string(let string): return GBNF.literal(JSONValue.encode(string: string))
        case .array(let elements):
            let ws = use(.ws)
            let inner = elements.map { literal($0) + " " + ws }.joined(separator: #" "," "# + ws + " ")
            return #""[" "# + ws + " " + (inner.isEmpty ? "" : inner + " ") + #""]""#
        case .object(let members):
            let ws = use(.ws)
            let inner = members.map {
                GBNF.literal(JSONValue.encode(string: $0.key)) + " \(ws) \":\" \(ws) " + literal($0.value) + " " + ws
            }
                .joined(separator: #" "," "# + ws + " ")
            return #""{" "# + ws + " " + (inner.isEmpty ? "" : inner + " ") + #""}""#
        }
    }
}
