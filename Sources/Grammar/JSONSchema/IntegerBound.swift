/// Reads a JSON number lexeme exactly (no floating point) to round it to the nearest integer inside or at a bound:
/// `minimum: 1.5` on an integer means at least 2, `exclusiveMaximum: -3` means at most -4.
struct IntegerBound {
    private var negative: Bool
    private var magnitude: UInt64  // the integer part
    private var hasFraction: Bool  // a non-zero fractional part

    /// Nil when the integer part does not fit in 64 bits.
    init?(lexeme: String) {
        var text = Substring(lexeme)
        negative = text.hasPrefix("-")
        if negative { text = text.dropFirst() }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            // More than four exponent digits is beyond any 64-bit bound, or the number is zero (`0e99999`).
            guard let value = Int(text[text.index(after: e)...]), abs(value) < 10_000 else {
                guard text[..<e].allSatisfy({ $0 == "0" || $0 == "." }) else { return nil }
                (magnitude, hasFraction) = (0, false)
                return
            }
            exponent = value
            text = text[..<e]
        }
        let point = text.firstIndex(of: ".")
        let digits = Array(text.filter { $0 != "." })
        // Position of the decimal point in `digits` after applying the exponent.
        let pointPosition = (point.map { text.distance(from: text.startIndex, to: $0) } ?? text.count) + exponent
        let integerDigits = digits.prefix(Swift.max(0, pointPosition))
            + Array(repeating: "0", count: Swift.max(0, pointPosition - digits.count))
        let trimmed = integerDigits.drop { $0 == "0" }
        guard trimmed.count <= 20, let magnitude = UInt64(String(trimmed.isEmpty ? ["0"] : Array(trimmed))) else { return nil }
        self.magnitude = magnitude
        hasFraction = digits.dropFirst(Swift.max(0, pointPosition)).contains { $0 != "0" }
    }

    var isWhole: Bool { !hasFraction }
    var isZero: Bool { magnitude == 0 && !hasFraction }

    /// The least integer ≥ this value, or > it when `exclusive`; nil outside Int64.
    func lowest(exclusive: Bool) -> Int64? {
        guard magnitude <= UInt64(Int64.max) + (negative ? 1 : 0) else { return nil }
        let truncated = negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
        // Truncation rounds a fraction towards zero: up for negatives, down for positives.
        guard hasFraction ? !negative : exclusive else { return truncated }
        let (next, overflow) = truncated.addingReportingOverflow(1)
        return overflow ? nil : next
    }

    /// The greatest integer ≤ this value, or < it when `exclusive`; nil outside Int64.
    func highest(exclusive: Bool) -> Int64? {
        let mirrored = IntegerBound(negative: !negative, magnitude: magnitude, hasFraction: hasFraction)
        return mirrored.lowest(exclusive: exclusive).flatMap { $0 == Int64.min ? nil : -$0 }
    }

    private init(negative: Bool, magnitude: UInt64, hasFraction: Bool) {
        (self.negative, self.magnitude, self.hasFraction) = (negative, magnitude, hasFraction)
    }
}
