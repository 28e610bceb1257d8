/// Arrays: `items`, `prefixItems` (and draft 7's `items` list with `additionalItems`), `minItems`, `maxItems`.
extension SchemaCompiler {
    mutating func arrayExpression(_ schema: JSONValue, at path: SchemaPath) throws(JSONSchemaError) -> String {
        var prefixSchemas: [(schema: JSONValue, path: SchemaPath)] = []
        var rest: (schema: JSONValue, path: SchemaPath)? = (.bool(true), path)
        if case .array(let tuple)? = schema["items"] {
            prefixSchemas = tuple.enumerated().map { ($1, path.appending("items").appending($0)) }
            rest = schema["additionalItems"].map { ($0, path.appending("additionalItems")) } ?? rest
        } else {
            if schema["additionalItems"] != nil { throw .unsupported("additionalItems", at: path) }
            switch schema["prefixItems"] {
            case nil: break
            case .array(let list)?: prefixSchemas = list.enumerated().map { ($1, path.appending("prefixItems").appending($0)) }
            default: throw JSONSchemaError(at: path, "'prefixItems' must be a list of schemas")
            }
            rest = schema["items"].map { ($0, path.appending("items")) } ?? rest
        }
        if rest?.schema == .bool(false) { rest = nil }
        guard prefixSchemas.count <= Self.maxRepetition else {
            throw JSONSchemaError(at: path, "more than \(Self.maxRepetition) 'prefixItems' are not supported")
        }
        let minItems = try count("minItems", in: schema, at: path) ?? 0
        var maxItems = try count("maxItems", in: schema, at: path)
        if rest == nil { maxItems = min(maxItems ?? prefixSchemas.count, prefixSchemas.count) }
        if let maxItems, minItems > maxItems {
            throw JSONSchemaError(at: path, "'minItems' is greater than 'maxItems' or the number of items allowed")
        }

        let ws = use(.ws)
        // Only the prefix schemas that can occur are compiled.
        let (elements, restElement) = try afterInput { (compiler: inout SchemaCompiler) throws(JSONSchemaError) in
            var elements: [String] = []
            for (schema, path) in prefixSchemas.prefix(maxItems ?? prefixSchemas.count) {
                elements.append(compiler.named(try compiler.expression(schema, at: path), for: path))
            }
            let restElement = try rest.map { (schema, path) throws(JSONSchemaError) in
                compiler.named(try compiler.expression(schema, at: path), for: path)
            }
            return (elements, restElement)
        }
        /// The elements after the first `index`, each after a comma.
        func following(_ index: Int) -> String {
            if let maxItems, index >= maxItems { return "" }
            guard index < elements.count else {
                let more = #"( "," "# + ws + " " + restElement! + " " + ws + " )"
                return repeated(more, min: max(minItems - index, 0), max: maxItems.map { $0 - index })
            }
            let tail = following(index + 1)
            let sequence = #"",""# + " \(ws) \(elements[index]) \(ws)" + (tail.isEmpty ? "" : " " + tail)
            return index >= minItems ? "( \(sequence) )?" : sequence
        }
        var content = ""
        if maxItems != 0, let first = elements.first ?? restElement {
            let tail = following(1)
            content = first + " " + ws + (tail.isEmpty ? "" : " " + tail)
            content = (minItems == 0 ? "( \(content) )?" : content) + " "
        }
        return #""[" "# + ws + " " + content + #""]""#
    }
}
