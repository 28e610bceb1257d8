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
    var rules: [(name: String, body: String)] = []
    private var takenNames: Set<String>
    /// The next number to try after a base name is taken, so picking names stays linear.
    private var nextSuffix: [String: Int] = [:]
    private var primitives: Set<GBNFPrimitive> = []
    var referenceRules: [SchemaPath: String] = [:]
    var pending: [(target: SchemaPath, rule: Int)] = []
    /// The `$ref` target whose rule is being compiled, and whether anything has been consumed since its start:
    /// a reference reached before any input (`A: {anyOf: [{$ref: A}, …]}`) is left recursion, which never ends.
    var current = SchemaPath()
    var consumed = false
    var leftReferences: [SchemaPath: Set<SchemaPath>] = [:]

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

    /// Reserves a rule named after the end of `path` (its body comes later) and returns its index.
    mutating func reserveRule(for path: SchemaPath, suffix: String = "") -> Int {
        let words = path.tokens.filter { !["properties", "$defs", "definitions"].contains($0) }.suffix(3)
        let hint = (words.isEmpty ? "root" : words.joined(separator: "-")) + suffix
        let base = prefix + String(hint.unicodeScalars.map { GBNF.isRuleName(Substring(String($0))) ? Character($0) : "-" })
        var name = base
        while !takenNames.insert(name).inserted {
            nextSuffix[base, default: 2] += 1
            name = "\(base)-\(nextSuffix[base]! - 1)"
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
        case "number": return try numberExpression(schema, at: path)
        case "object": return try objectExpression(schema, at: path)
        default: return try arrayExpression(schema, at: path)
        }
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
}
