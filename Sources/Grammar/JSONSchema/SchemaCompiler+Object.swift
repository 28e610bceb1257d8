/// Objects: `properties` in schema order, `required`, `additionalProperties`.
///
/// An absent `additionalProperties` counts as false, as in OpenAI's strict schemas and XGrammar's strict mode:
/// a model should produce the keys the schema names. Other keys, when allowed, come after the named ones and
/// cannot be one of them.
extension SchemaCompiler {
    private struct Property {
        var keyValue: String  // `"key" ws ":" ws value`
        var required: Bool
    }

    mutating func objectExpression(_ schema: JSONValue, at path: SchemaPath) throws(JSONSchemaError) -> String {
        let required = try requiredNames(schema, at: path)
        let ws = use(.ws)
        func keyValue(_ key: String, _ value: String) -> String {
            GBNF.literal(JSONValue.encode(string: key)) + " \(ws) \":\" \(ws) " + value
        }
        let (properties, additional, declared) = try afterInput { (compiler: inout SchemaCompiler) throws(JSONSchemaError) in
            var properties: [Property] = []
            var declared: Set<String> = []
            switch schema["properties"] {
            case nil: break
            case .object(let members)?:
                for member in members {
                    guard declared.insert(member.key).inserted else {
                        throw JSONSchemaError(at: path, "'properties' names '\(member.key)' twice")
                    }
                    let valuePath = path.appending("properties").appending(member.key)
                    let value = compiler.named(try compiler.expression(member.value, at: valuePath), for: valuePath)
                    properties.append(Property(keyValue: keyValue(member.key, value), required: required.contains(member.key)))
                }
            default: throw JSONSchemaError(at: path, "'properties' must be an object")
            }
            var additional: String?
            switch schema["additionalProperties"] {
            case nil, .bool(false)?: additional = nil
            case let value?:
                let valuePath = path.appending("additionalProperties")
                additional = compiler.named(try compiler.expression(value, at: valuePath), for: valuePath)
            }
            // A required key `properties` does not name takes the additional properties' schema.
            for name in required where !declared.contains(name) {
                guard let additional else {
                    throw JSONSchemaError(at: path, "'required' names '\(name)', which is not in 'properties', and additionalProperties is false")
                }
                properties.append(Property(keyValue: keyValue(name, additional), required: true))
            }
            return (properties, additional, declared.union(required))
        }
        var extra: String?
        if let additional {
            let key = declared.isEmpty
                ? use(.string)
                : named(OtherKeyGrammar.expression(excluding: declared.sorted(), char: use(.char)), for: path, suffix: "-other-key")
            extra = "\(key) \(ws) \":\" \(ws) \(additional) \(ws)"
        }
        return #""{" "# + ws + " " + members(properties, extra: extra, at: path) + #""}""#
    }

    private func requiredNames(_ schema: JSONValue, at path: SchemaPath) throws(JSONSchemaError) -> [String] {
        guard let value = schema["required"] else { return [] }
        guard case .array(let list) = value else { throw JSONSchemaError(at: path, "'required' must be a list of strings") }
        var names: [String] = []
        for element in list {
            guard case .string(let name) = element else { throw JSONSchemaError(at: path, "'required' must be a list of strings") }
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The members between the braces, each followed by whitespace, in order; optional ones may be skipped.
    /// Commas make optional members awkward: a member needs a comma before it exactly when one came earlier.
    /// So the grammar picks the first member present (an optional one before the first required, or the first
    /// required), then each later member is `"," member` (optional ones inside `( )?`). The tails after each
    /// leading optional member are rules chained to the next, so the grammar grows linearly, as in llama.cpp.
    private mutating func members(_ properties: [Property], extra: String?, at path: SchemaPath) -> String {
        let ws = use(.ws)
        func item(_ index: Int) -> String {
            let member = #"",""# + " \(ws) " + properties[index].keyValue + " " + ws
            return properties[index].required ? member : "( \(member) )?"
        }
        let extraTail = extra.map { #"( "," "# + ws + " " + $0 + " )*" }
        func flatTail(from index: Int) -> String {
            (properties[index...].indices.map(item) + [extraTail].compactMap { $0 }).joined(separator: " ")
        }
        func first(_ index: Int, then tail: String) -> String {
            properties[index].keyValue + " " + ws + (tail.isEmpty ? "" : " " + tail)
        }
        let firstRequired = properties.firstIndex(where: \.required) ?? properties.count
        if firstRequired == 0 && !properties.isEmpty { return first(0, then: flatTail(from: 1)) + " " }

        // tails[k]: what may follow once a member before k was emitted and members k..<firstRequired are optional.
        var tails = [String](repeating: "", count: firstRequired + 1)
        if firstRequired > 0 {
            for index in stride(from: firstRequired, through: 1, by: -1) {
                let body = index == firstRequired
                    ? flatTail(from: index) : [item(index), tails[index + 1]].filter { !$0.isEmpty }.joined(separator: " ")
                tails[index] = body.isEmpty ? "" : named(body, for: path, suffix: "-tail-\(index)")
            }
        }
        var alternatives = (0..<firstRequired).map { first($0, then: tails[$0 + 1]) }
        if firstRequired < properties.count {
            alternatives.append(first(firstRequired, then: flatTail(from: firstRequired + 1)))
        } else if let extra, let extraTail {
            alternatives.append(extra + " " + extraTail)
        }
        if alternatives.isEmpty { return "" }
        let group = alternatives.count == 1 ? "( \(alternatives[0]) )" : "( " + alternatives.joined(separator: " | ") + " )"
        return group + (firstRequired == properties.count ? "?" : "") + " "
    }
}
