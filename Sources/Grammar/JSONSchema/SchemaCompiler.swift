/// Compiles one schema document to GBNF rules. Each schema becomes an expression; schemas reached through `$ref`
/// (and the document itself, as `#`) become rules, compiled from a work list so recursive schemas need no recursion
/// here. Complex subexpressions get rules named after their path, so the output reads like the schema.
struct SchemaCompiler {
    /// Counts (`minItems`, `maxItems`, `minLength`, `maxLength`, `prefixItems`) above this are rejected: a matcher
    /// expands repetitions, and a request must not be able to make it build millions of states.
    static let maxRepetition = 1000
    /// The largest grammar text produced.
    static let maxGrammarBytes = 256 * 1024

    let document: JSONValue
    let prefix: String
    private var rules: [(name: String, body: String)] = []
    private var takenNames: Set<String>
    private var primitives: Set<GBNFPrimitive> = []
    private var referenceRules: [SchemaPath: String] = [:]
    private var pending: [(target: SchemaPath, rule: Int)] = []
    /// The `$ref` target whose rule is being compiled, and whether anything has been consumed since its start:
    /// a reference reached before any input (`A: {anyOf: [{$ref: A}, …]}`) is left recursion, which never ends.
    private var current = SchemaPath()
    private var consumed = false
    private var leftReferences: [SchemaPath: Set<SchemaPath>] = [:]

    static func compile(_ schema: String, prefix: String) throws(JSONSchemaError) -> (gbnf: String, root: String) {
        guard GBNF.isRuleName(prefix[...]) else {
            throw JSONSchemaError(path: "#", message: "rule prefix '\(prefix)' is not made of [a-zA-Z0-9-]")
        }
        var compiler = SchemaCompiler(document: try JSONValueParser.parse(schema), prefix: prefix)
        let root = compiler.referenceRule(SchemaPath())
        while let (target, rule) = compiler.pending.popLast() {
            (compiler.current, compiler.consumed) = (target, false)
            compiler.rules[rule].body = try compiler.expression(target.resolve(in: compiler.document)!, at: target)
        }
        try compiler.checkLeftRecursion()
        let gbnf = GBNF.rules(compiler.rules + compiler.primitiveRules())
        guard gbnf.utf8.count <= maxGrammarBytes else {
            throw JSONSchemaError(path: "#", message: "the grammar would exceed \(maxGrammarBytes / 1024) KiB")
        }
        return (gbnf, root)
    }

    static func anyObject() -> String {
        var compiler = SchemaCompiler(document: .null, prefix: "")
        let object = compiler.use(.object)
        return GBNF.rules([("root", object)] + compiler.primitiveRules())
    }

    private init(document: JSONValue, prefix: String) {
        self.document = document
        self.prefix = prefix
        takenNames = Set(GBNFPrimitive.allCases.map { prefix + $0.rawValue })
    }

    // MARK: Rules and names

    /// The name of a fixed rule, which is then emitted.
    mutating func use(_ primitive: GBNFPrimitive) -> String {
        primitives.insert(primitive)
        return prefix + primitive.rawValue
    }

    private func primitiveRules() -> [(name: String, body: String)] {
        var needed = primitives
        var frontier = Array(primitives)
        while let primitive = frontier.popLast() {
            for dependency in primitive.dependencies where needed.insert(dependency).inserted { frontier.append(dependency) }
        }
        return GBNFPrimitive.allCases.filter(needed.contains).map { (prefix + $0.rawValue, $0.body(prefix: prefix)) }
    }

    /// Reserves a rule named after `path` (its body comes later) and returns its index.
    private mutating func reserveRule(for path: SchemaPath, suffix: String = "") -> Int {
        let words = path.tokens.filter { !["properties", "$defs", "definitions"].contains($0) }
        let hint = (words.isEmpty ? "root" : words.joined(separator: "-")) + suffix
        let base = prefix + String(hint.unicodeScalars.map { GBNF.isRuleName(Substring(String($0))) ? Character($0) : "-" })
        var name = base
        var counter = 2
        while !takenNames.insert(name).inserted {
            name = "\(base)-\(counter)"
            counter += 1
        }
        rules.append((name, ""))
        return rules.count - 1
    }

    /// A rule for `expression` unless it is already a single rule name or literal without spaces.
    mutating func named(_ expression: String, for path: SchemaPath, suffix: String = "") -> String {
        guard expression.contains(" ") else { return expression }
        let rule = reserveRule(for: path, suffix: suffix)
        rules[rule].body = expression
        return rules[rule].name
    }

    // MARK: Schemas

    mutating func expression(_ schema: JSONValue, at path: SchemaPath) throws(JSONSchemaError) -> String {
        guard case .object(let members) = schema else {
            if schema == .bool(true) { return use(.value) }
            if schema == .bool(false) { throw JSONSchemaError(at: path, "the schema 'false' matches nothing") }
            throw JSONSchemaError(at: path, "a schema must be an object or a boolean")
        }
        if let unknown = members.first(where: { !SchemaKeywords.supported.contains($0.key) }) {
            throw .unsupported(unknown.key, at: path)
        }
        let constraining = members.map(\.key).filter {
            !SchemaKeywords.annotations.contains($0) && !SchemaKeywords.definitions.contains($0)
        }
        // No constraint at all (`{}`, or annotations only) is the schema `true`. Only here does an object take any
        // members: with `type: object`, an absent additionalProperties counts as false.
        if constraining.isEmpty { return use(.value) }
        if let keyword = SchemaKeywords.composition.first(where: constraining.contains) {
            if let other = constraining.first(where: { $0 != keyword }) {
                throw JSONSchemaError(at: path, "'\(keyword)' combined with '\(other)' is not supported")
            }
            return try composition(keyword, schema[keyword]!, at: path)
        }
        let types = try allowedTypes(schema, at: path)
        if let keyword = constraining.first(where: SchemaKeywords.literal.contains) {
            if let other = constraining.first(where: { $0 != keyword && $0 != "type" }) {
                throw JSONSchemaError(at: path, "'\(keyword)' combined with '\(other)' is not supported")
            }
            return try literals(keyword, schema[keyword]!, types: types, at: path)
        }
        var alternatives: [String] = []
        for type in types {
            // Integers are numbers: with both allowed, `number` alone says it without ambiguity.
            if type == "integer" && types.contains("number") { continue }
            alternatives.append(try typeExpression(type, schema, at: path))
        }
        return alternatives.count == 1 ? alternatives[0] : "( " + alternatives.joined(separator: " | ") + " )"
    }

    private func allowedTypes(_ schema: JSONValue, at path: SchemaPath) throws(JSONSchemaError) -> [String] {
        let names: [JSONValue]
        switch schema["type"] {
        case nil: return SchemaKeywords.types
        case .string(let name)?: names = [.string(name)]
        case .array(let list)? where !list.isEmpty: names = list
        default: throw JSONSchemaError(at: path, "'type' must be a type name or a non-empty list of them")
        }
        var types: [String] = []
        for name in names {
            guard case .string(let type) = name else { throw JSONSchemaError(at: path, "'type' must name types with strings") }
            guard SchemaKeywords.types.contains(type) else { throw JSONSchemaError(at: path, "'type' has an unknown type '\(type)'") }
            if !types.contains(type) { types.append(type) }
        }
        return types
    }

    private mutating func typeExpression(_ type: String, _ schema: JSONValue, at path: SchemaPath) throws(JSONSchemaError) -> String {
        switch type {
        case "null": return use(.null)
        case "boolean": return use(.boolean)
        case "string": return try stringExpression(schema, at: path)
        case "integer": return try integerExpression(schema, at: path)
        case "number":
            if let bound = SchemaKeywords.integer.sorted().first(where: { schema[$0] != nil }) {
                throw JSONSchemaError(at: path, "'\(bound)' is only supported with type 'integer', not 'number'")
            }
            return use(.number)
        case "object": return try objectExpression(schema, at: path)
        default: return try arrayExpression(schema, at: path)
        }
    }

    private mutating func stringExpression(_ schema: JSONValue, at path: SchemaPath) throws(JSONSchemaError) -> String {
        let minLength = try count("minLength", in: schema, at: path) ?? 0
        let maxLength = try count("maxLength", in: schema, at: path)
        if minLength == 0 && maxLength == nil { return use(.string) }
        if let maxLength, minLength > maxLength {
            throw JSONSchemaError(at: path, "'minLength' is greater than 'maxLength'")
        }
        return #""\"" "# + repeated(use(.char), min: minLength, max: maxLength) + #" "\"""#
    }

    private mutating func integerExpression(_ schema: JSONValue, at path: SchemaPath) throws(JSONSchemaError) -> String {
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

    // MARK: Helpers for the type files

    /// A non-negative integer keyword no larger than `maxRepetition`.
    func count(_ keyword: String, in schema: JSONValue, at path: SchemaPath) throws(JSONSchemaError) -> Int? {
        guard let value = schema[keyword] else { return nil }
        guard case .number(let lexeme) = value, let bound = IntegerBound(lexeme: lexeme), bound.isWhole,
              let count = bound.lowest(exclusive: false), count >= 0
        else { throw JSONSchemaError(at: path, "'\(keyword)' must be a non-negative integer") }
        guard count <= Self.maxRepetition else {
            throw JSONSchemaError(at: path, "'\(keyword)' above \(Self.maxRepetition) is not supported")
        }
        return Int(count)
    }

    /// `item` repeated `min` to `max` (nil: unbounded) times.
    func repeated(_ item: String, min: Int, max: Int?) -> String {
        switch (min, max) {
        case (_, 0?): ""
        case (0, nil): item + "*"
        case (1, nil): item + "+"
        case (0, 1?): item + "?"
        case (1, 1?): item
        case (_, nil): item + "{\(min),}"
        case (_, let max?) where max == min: item + "{\(min)}"
        case (_, let max?): item + "{\(min),\(max)}"
        }
    }

    /// Compiles subschemas of an object or array: input has been consumed, so references there are not left recursion.
    mutating func afterInput<T>(_ body: (inout SchemaCompiler) throws(JSONSchemaError) -> T) throws(JSONSchemaError) -> T {
        let saved = consumed
        consumed = true
        defer { consumed = saved }
        return try body(&self)
    }

    // MARK: References

    /// Records a reference for the left-recursion check.
    mutating func noteReference(to target: SchemaPath) {
        if !consumed { leftReferences[current, default: []].insert(target) }
    }

    mutating func referenceRule(_ target: SchemaPath) -> String {
        if let name = referenceRules[target] { return name }
        let rule = reserveRule(for: target)
        referenceRules[target] = rules[rule].name
        pending.append((target, rule))
        return rules[rule].name
    }

    /// Left recursion is a cycle among the references reached before any input: peel off rules that reach
    /// none still standing; what remains holds a cycle.
    private func checkLeftRecursion() throws(JSONSchemaError) {
        var outgoing = leftReferences.mapValues(\.count)
        var incoming: [SchemaPath: [SchemaPath]] = [:]
        for (from, targets) in leftReferences { for target in targets { incoming[target, default: []].append(from) } }
        var ready = referenceRules.keys.filter { outgoing[$0, default: 0] == 0 }
        while let done = ready.popLast() {
            for from in incoming[done] ?? [] {
                outgoing[from]! -= 1
                if outgoing[from] == 0 { ready.append(from) }
            }
        }
        guard var node = outgoing.filter({ $0.value > 0 }).keys.min(by: { $0.description < $1.description }) else { return }
        // Walk the remaining edges until a rule repeats: that rule is on the cycle.
        var seen: Set<SchemaPath> = []
        while seen.insert(node).inserted { node = leftReferences[node]!.first { outgoing[$0, default: 0] > 0 }! }
        throw JSONSchemaError(at: node, "'$ref' recursion that reaches itself before any object or array never ends")
    }
}
