/// Strings with `minLength`/`maxLength`; integers with exact bounds.
extension SchemaCompiler {
    mutating func stringExpression(_ schema: JSONValue, at path: SchemaPath) throws(JSONSchemaError) -> String {
        let minLength = try count("minLength", in: schema, at: path) ?? 0
        let maxLength = try count("maxLength", in: schema, at: path)
        if minLength == 0 && maxLength == nil { return use(.string) }
        if let maxLength, minLength > maxLength {
            throw JSONSchemaError(at: path, "'minLength' is greater than 'maxLength'")
        }
        return #""\"" "# + repeated(use(.char), min: minLength, max: maxLength) + #" "\"""#
    }

    mutating func integerExpression(_ schema: JSONValue, at path: SchemaPath) throws(JSONSchemaError) -> String {
        var low: Int64?, high: Int64?
        // Draft 4 spells exclusive bounds as booleans beside `minimum`/`maximum`; later drafts as numbers.
        for (keyword, exclusive) in [("minimum", false), ("maximum", false), ("exclusiveMinimum", true), ("exclusiveMaximum", true)] {
            guard let value = schema[keyword], value != .bool(false) else { continue }
            let isMinimum = keyword.contains("inimum")
            var lexeme: String, isExclusive = exclusive
            switch value {
            case .number(let number): lexeme = number
            case .bool(true) where exclusive:
                guard case .number(let number)? = schema[isMinimum ? "minimum" : "maximum"] else {
                    throw JSONSchemaError(at: path, "'\(keyword)': true needs '\(isMinimum ? "minimum" : "maximum")'")
                }
                (lexeme, isExclusive) = (number, true)
            default: throw JSONSchemaError(at: path, "'\(keyword)' must be a number")
            }
            guard let bound = IntegerBound(lexeme: lexeme),
                  let integer = isMinimum ? bound.lowest(exclusive: isExclusive) : bound.highest(exclusive: isExclusive)
            else { throw JSONSchemaError(at: path, "'\(keyword)' is outside the 64-bit integers") }
            // Several keywords may bound the same side (`minimum` and `exclusiveMinimum`): the tightest wins.
            if isMinimum { low = max(low ?? integer, integer) } else { high = min(high ?? integer, integer) }
        }
        if low == nil && high == nil { return use(.integer) }
        if let low, let high, low > high { throw JSONSchemaError(at: path, "no integer lies between the bounds") }
        return IntegerRangeGrammar.expression(min: low, max: high)
    }
}
