@testable import Grammar
import Testing

/// Random instances written the many ways JSON allows (optional members present or not, whitespace, escapes,
/// bounds hit exactly) must all match their schema's grammar; the same instances with one value pushed out of
/// its bounds must not.
@Suite struct JSONSchemaPropertyTests {
    static let order = #"""
        {"type": "object", "required": ["id", "customer", "items"],
         "properties": {
           "id": {"type": "integer", "minimum": 1, "maximum": 99999},
           "customer": {"type": "object", "required": ["name"], "properties": {
             "name": {"type": "string", "minLength": 1, "maxLength": 12},
             "email": {"type": ["string", "null"]},
             "tier": {"enum": ["free", "pro", "team"]}}},
           "items": {"type": "array", "minItems": 1, "maxItems": 4, "items": {"$ref": "#/$defs/item"}},
           "note": {"type": "string"},
           "paid": {"type": "boolean"}},
         "$defs": {"item": {"type": "object", "required": ["sku", "qty"], "properties": {
           "sku": {"type": "string"}, "qty": {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 100},
           "price": {"type": "number"}}}}}
        """#

    static let tree = #"""
        {"$ref": "#/$defs/tree", "$defs": {"tree": {"type": "object", "required": ["v"], "properties": {
          "v": {"type": "integer", "minimum": -50, "maximum": 50},
          "kids": {"type": "array", "items": {"$ref": "#/$defs/tree"}, "maxItems": 3}}}}}
        """#

    static let tuple = #"""
        {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer", "minimum": -1000, "maximum": -10}],
         "items": {"anyOf": [{"type": "boolean"}, {"const": "end"}]}, "minItems": 2, "maxItems": 5}
        """#

    @Test func randomOrdersMatch() throws {
        let grammar = try SchemaGrammar(schema: Self.order)
        var writer = InstanceWriter(seed: 1)
        for _ in 0..<150 {
            #expect(grammar.accepts(writer.order(valid: true)), "\(writer.last)")
            #expect(!grammar.accepts(writer.order(valid: false)), "\(writer.last)")
        }
    }

    @Test func randomTreesMatch() throws {
        let grammar = try SchemaGrammar(schema: Self.tree)
        var writer = InstanceWriter(seed: 2)
        for _ in 0..<150 {
            #expect(grammar.accepts(writer.tree(depth: 3, valid: true)), "\(writer.last)")
            #expect(!grammar.accepts(writer.tree(depth: 3, valid: false)), "\(writer.last)")
        }
    }

    @Test func randomTuplesMatch() throws {
        let grammar = try SchemaGrammar(schema: Self.tuple)
        var writer = InstanceWriter(seed: 3)
        for _ in 0..<150 {
            #expect(grammar.accepts(writer.tuple(valid: true)), "\(writer.last)")
            #expect(!grammar.accepts(writer.tuple(valid: false)), "\(writer.last)")
        }
    }
}

/// Writes random instances of the schemas above; `valid: false` breaks exactly one bound.
struct InstanceWriter {
    private var rng: SplitMix64
    private(set) var last = ""

    init(seed: UInt64) { rng = SplitMix64(state: seed) }

    mutating func order(valid: Bool) -> String {
        // Which part is broken when invalid: 0 the id, 1 the name's length, 2 a quantity, 3 the number of items.
        let broken = valid ? -1 : Int.random(in: 0...3, using: &rng)
        var customer = [("name", string(length: broken == 1 ? 13...20 : 1...12))]
        if flip() { customer.append(("email", flip() ? "null" : string(length: 0...10))) }
        if flip() { customer.append(("tier", ["\"free\"", "\"pro\"", "\"team\""].randomElement(using: &rng)!)) }
        let itemCount = broken == 3 ? Int.random(in: 5...6, using: &rng) : Int.random(in: 1...4, using: &rng)
        let items = (0..<itemCount).map { index in
            var item = [("sku", string(length: 0...6)), ("qty", integer(broken == 2 && index == 0 ? 100...120 : 1...99))]
            if flip() { item.append(("price", number())) }
            return object(item)
        }
        var members = [("id", integer(broken == 0 ? 100_000...200_000 : 1...99999)), ("customer", object(customer)), ("items", array(items))]
        if flip() { members.append(("note", string(length: 0...30))) }
        if flip() { members.append(("paid", flip() ? "true" : "false")) }
        last = object(members)
        return last
    }

    mutating func tree(depth: Int, valid: Bool) -> String {
        var pendingBreak = !valid
        last = node(depth: depth, isRoot: true, pendingBreak: &pendingBreak)
        return last
    }

    /// Children first, so a break still pending when the root is written lands there: exactly one value is out of range.
    private mutating func node(depth: Int, isRoot: Bool, pendingBreak: inout Bool) -> String {
        let kidCount = depth == 0 ? 0 : Int.random(in: 0...3, using: &rng)
        var kids: [String] = []
        for _ in 0..<kidCount { kids.append(node(depth: depth - 1, isRoot: false, pendingBreak: &pendingBreak)) }
        let breakHere = pendingBreak && (isRoot || flip())
        if breakHere { pendingBreak = false }
        var members = [("v", breakHere ? integer(flip() ? 51...60 : -60...(-51)) : integer(-50...50))]
        if kidCount > 0 || flip() { members.append(("kids", array(kids))) }
        return object(members)
    }

    mutating func tuple(valid: Bool) -> String {
        let second = valid ? integer(-1000...(-10)) : integer(flip() ? -1010...(-1001) : -9...5)
        let rest = (0..<Int.random(in: 0...3, using: &rng)).map { _ in ["true", "false", "\"end\""].randomElement(using: &rng)! }
        last = array([string(length: 0...5), second] + rest)
        return last
    }

    // MARK: JSON pieces

    private mutating func flip() -> Bool { Bool.random(using: &rng) }

    /// Whitespace the grammar allows between tokens: none, one space, or a newline and some indentation.
    private mutating func ws() -> String {
        switch Int.random(in: 0...3, using: &rng) {
        case 0, 1: ""
        case 2: " "
        default: "\n" + String(repeating: flip() ? " " : "\t", count: Int.random(in: 0...8, using: &rng))
        }
    }

    private mutating func object(_ members: [(String, String)]) -> String {
        var parts: [String] = []
        for (key, value) in members { parts.append("\"\(key)\"" + ws() + ":" + ws() + value + ws()) }
        return "{" + ws() + joined(parts) + "}"
    }

    private mutating func array(_ elements: [String]) -> String {
        var parts: [String] = []
        for element in elements { parts.append(element + ws()) }
        return "[" + ws() + joined(parts) + "]"
    }

    private mutating func joined(_ parts: [String]) -> String {
        var out = ""
        for (index, part) in parts.enumerated() { out += (index == 0 ? "" : "," + ws()) + part }
        return out
    }

    /// A JSON string of that many characters, each plain, non-ASCII or escaped.
    private mutating func string(length: ClosedRange<Int>) -> String {
        let pieces = ["a", "Z", "0", " ", "é", "中", "🦙", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\u00e9", "\\u0000", "'", "{"]
        return "\"" + (0..<Int.random(in: length, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined() + "\""
    }

    /// Bounds are drawn a quarter of the time each, so they are hit exactly.
    private mutating func integer(_ range: ClosedRange<Int>) -> String {
        switch Int.random(in: 0...3, using: &rng) {
        case 0: String(range.lowerBound)
        case 1: String(range.upperBound)
        default: String(Int.random(in: range, using: &rng))
        }
    }

    private mutating func number() -> String {
        let integer = flip() ? "0" : String(Int.random(in: 1...9999, using: &rng))
        let fraction = flip() ? "." + String(Int.random(in: 0...999, using: &rng)) : ""
        let exponent = flip() ? ["e", "E"].randomElement(using: &rng)! + ["", "+", "-"].randomElement(using: &rng)! + String(Int.random(in: 0...30, using: &rng)) : ""
        return (flip() ? "-" : "") + integer + fraction + exponent
    }
}
