/// Strings with `minLength`/`maxLength`; integers with exact bounds; numbers bounded by zero.
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
        for bound in try bounds(schema, at: path) {
            let value = IntegerBound(lexeme: bound.lexeme)
            guard let integer = bound.isMinimum ? value?.lowest(exclusive: bound.isExclusive) : value?.highest(exclusive: bound.isExclusive)
            else { throw JSONSchemaError(at: path, "'\(bound.keyword)' is outside the 64-bit integers") }
            // Several keywords may bound the same side (`minimum` and `exclusiveMinimum`): the tightest wins.
            if bound.isMinimum { low = max(low ?? integer, integer) } else { high = min(high ?? integer, integer) }
        }
        if low == nil && high == nil { return use(.integer) }
        if let low, let high, low > high { throw JSONSchemaError(at: path, "no integer lies between the bounds") }
        return IntegerRangeGrammar.expression(min: low, max: high)
    }

    /// Numbers may only be bounded by zero: whether a number is negative, zero or positive shows in its text
    /// whatever its exponent, while other bounds would need the exponent weighed against the digits.
    mutating func numberExpression(_ schema: JSONValue, at path: SchemaPath) throws(JSONSchemaError) -> String {
        let bounds = try bounds(schema, at: path)
        if bounds.isEmpty { return use(.number) }
        var (negative, zero, positive) = (true, true, true)
        for bound in bounds {
            guard IntegerBound(lexeme: bound.lexeme)?.isZero == true else {
                throw JSONSchemaError(at: path, "'\(bound.keyword)' is only supported as 0 on type 'number' (any value on 'integer')")
            }
            if bound.isMinimum { negative = false } else { positive = false }
            if bound.isExclusive { zero = false }
        }
        let exponent = #"( [eE] [-+]? [0-9]+ )?"#
        let positiveText = #"( [1-9] [0-9]* ( "." [0-9]+ )? | "0" "." "0"* [1-9] [0-9]* ) "# + exponent
        let alternatives = [
            negative ? #""-" "# + positiveText : nil,
            zero ? #""-"? "0" ( "." "0"+ )? "# + exponent : nil,
            positive ? positiveText : nil,
        ].compactMap { $0 }
        guard !alternatives.isEmpty else { throw JSONSchemaError(at: path, "no number lies between the bounds") }
        return "( " + alternatives.joined(separator: " | ") + " )"
    }

    private struct Bound {
        var keyword: String
        var lexeme: String
        var isMinimum: Bool
        var isExclusive: Bool
    }

    /// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`. Draft 4 spells exclusive bounds as booleans
    /// beside `minimum`/`maximum`; later drafts as numbers.
    private func bounds(_ schema: JSONValue, at path: SchemaPath) throws(JSONSchemaError) -> [Bound] {
        var bounds: [Bound] = []
        for (keyword, exclusive) in [("minimum", false), ("maximum", false), ("exclusiveMinimum", true), ("exclusiveMaximum", true)] {
            guard let value = schema[keyword], value != .bool(false) else { continue }
            let isMinimum = keyword.contains("inimum")
            switch value {
            case .number(let lexeme):
                bounds.append(Bound(keyword: keyword, lexeme: lexeme, isMinimum: isMinimum, isExclusive: exclusive))
            case .bool(true) where exclusive:
                guard case .number(let lexeme)? = schema[isMinimum ? "minimum" : "maximum"] else {
                    throw JSONSchemaError(at: path, "'\(keyword)': true needs '\(isMinimum ? "minimum" : "maximum")'")
                }
                bounds.append(Bound(keyword: keyword, lexeme: lexeme, isMinimum: isMinimum, isExclusive: true))
            default: throw JSONSchemaError(at: path, "'\(keyword)' must be a number")
            }
        }
        return bounds
    }
}
