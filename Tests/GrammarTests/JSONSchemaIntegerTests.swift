import Grammar
import Testing

@Suite struct JSONSchemaIntegerTests {
    /// Every integer near the bounds and across small magnitudes matches exactly when it lies in the range.
    @Test(arguments: [
        (0, 150), (-5, 5), (1, 1), (-100, -100), (9, 10), (99, 1000), (-999, -100), (123, 4567), (-4567, -123),
        (10, 19), (-1, 0), (-2718, 3141),
    ] as [(Int64, Int64)])
    func closedRanges(low: Int64, high: Int64) throws {
        try expectRange(schema: #"{"type": "integer", "minimum": \#(low), "maximum": \#(high)}"#, low: low, high: high)
    }

    @Test func openEnds() throws {
        try expectRange(schema: #"{"type": "integer", "minimum": 7}"#, low: 7, high: nil)
        try expectRange(schema: #"{"type": "integer", "minimum": -123}"#, low: -123, high: nil)
        try expectRange(schema: #"{"type": "integer", "maximum": 0}"#, low: nil, high: 0)
        try expectRange(schema: #"{"type": "integer", "maximum": -7}"#, low: nil, high: -7)
        try expectRange(schema: #"{"type": "integer", "maximum": 456}"#, low: nil, high: 456)
    }

    @Test func exclusiveBounds() throws {
        try expectRange(schema: #"{"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10}"#, low: 1, high: 9)
        try expectRange(schema: #"{"type": "integer", "exclusiveMinimum": -10, "exclusiveMaximum": -1}"#, low: -9, high: -2)
        // Draft 4 spelling: booleans beside minimum and maximum.
        try expectRange(
            schema: #"{"type": "integer", "minimum": 5, "exclusiveMinimum": true, "maximum": 8, "exclusiveMaximum": true}"#, low: 6, high: 7)
        // The tighter of two bounds on one side wins.
        try expectRange(schema: #"{"type": "integer", "minimum": 3, "exclusiveMinimum": 5, "maximum": 9}"#, low: 6, high: 9)
    }

    @Test func fractionalBoundsRoundInwards() throws {
        try expectRange(schema: #"{"type": "integer", "minimum": 1.5, "maximum": 3.5}"#, low: 2, high: 3)
        try expectRange(schema: #"{"type": "integer", "minimum": -2.5, "exclusiveMaximum": -0.5}"#, low: -2, high: -1)
        try expectRange(schema: #"{"type": "integer", "minimum": 1e1, "maximum": 2.5e1}"#, low: 10, high: 25)
    }

    @Test func sixtyFourBitExtremes() throws {
        let grammar = try SchemaGrammar(schema: #"{"type": "integer", "minimum": -9223372036854775808, "maximum": 9223372036854775807}"#)
        for text in ["0", "-9223372036854775808", "9223372036854775807", "9223372036854775799", "-1"] {
            #expect(grammar.accepts(text), "\(text)")
        }
        for text in ["9223372036854775808", "-9223372036854775809", "10000000000000000000", "01"] {
            #expect(!grammar.accepts(text), "\(text)")
        }
    }

    @Test func zeroIsAlsoWrittenMinusZero() throws {
        try expectSchema(#"{"type": "integer", "minimum": 0, "maximum": 3}"#, accepts: ["0", "-0"], rejects: ["-1", "00", "-00"])
        try expectSchema(#"{"type": "integer", "minimum": 1}"#, accepts: ["1"], rejects: ["-0", "0"])
    }

    private func expectRange(schema: String, low: Int64?, high: Int64?, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let grammar = try SchemaGrammar(schema: schema)
        var probes = Set<Int64>(-300...300)
        for bound in [low, high].compactMap({ $0 }) { probes.formUnion((bound - 12)...(bound + 12)) }
        for exponent in 1...18 {
            let power = (0..<exponent).reduce(Int64(1)) { product, _ in product * 10 }
            probes.formUnion([power, power - 1, -power, -power + 1])
        }
        for value in probes.sorted() {
            let inRange = (low.map { value >= $0 } ?? true) && (high.map { value <= $0 } ?? true)
            #expect(grammar.accepts(String(value)) == inRange, "\(value) in \(schema)", sourceLocation: sourceLocation)
        }
        let zeroInRange = (low.map { 0 >= $0 } ?? true) && (high.map { 0 <= $0 } ?? true)
        #expect(grammar.accepts("-0") == zeroInRange, "-0 in \(schema)", sourceLocation: sourceLocation)
        for text in ["", "-", "01", "-01", "00", "1.0", "1e1", "+1"] {
            #expect(!grammar.accepts(text), "\(text) in \(schema)", sourceLocation: sourceLocation)
        }
    }
}
