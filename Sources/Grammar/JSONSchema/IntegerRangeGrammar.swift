/// A GBNF expression matching exactly the JSON integers in `min...max` (either end may be open), written without
/// fraction or exponent, digit by digit as llama.cpp's json-schema-to-grammar does. The expression's size grows with
/// the number of digits of the bounds, not with the width of the range.
enum IntegerRangeGrammar {
    static func expression(min: Int64?, max: Int64?) -> String {
        var alternatives: [String] = []
        // Non-negative integers in range.
        if max.map({ $0 >= 0 }) ?? true {
            alternatives += magnitudes(from: Swift.max(min ?? 0, 0).magnitude, to: max?.magnitude)
        }
        // Negative integers: a minus sign, then the magnitudes; `-0` is zero too.
        if min.map({ $0 < 0 }) ?? true {
            let smallest: UInt64 = max.map { $0 < 0 ? $0.magnitude : 1 } ?? 1
            let negatives = magnitudes(from: smallest, to: min?.magnitude)
            alternatives.append(#""-" "# + (negatives.count == 1 ? negatives[0] : "( " + negatives.joined(separator: " | ") + " )"))
        }
        if (min ?? 0) <= 0, (max ?? 0) >= 0 { alternatives.append(#""-0""#) }
        return "( " + alternatives.joined(separator: " | ") + " )"
    }

    /// Decimal numerals without leading zeros for `low...high` (`high` nil: unbounded).
    private static func magnitudes(from low: UInt64, to high: UInt64?) -> [String] {
        let lowDigits = Array(String(low)), highDigits = high.map { Array(String($0)) }
        var alternatives: [String] = []
        for length in lowDigits.count...(highDigits?.count ?? lowDigits.count) {
            let from = length == lowDigits.count ? lowDigits : ["1"] + Array(repeating: "0", count: length - 1)
            let to = length == highDigits?.count ? highDigits! : Array(repeating: "9", count: length)
            alternatives += sameLength(from: from, to: to)
        }
        if high == nil { alternatives.append("[1-9] [0-9]" + (lowDigits.count == 1 ? "+" : "{\(lowDigits.count),}")) }
        return alternatives
    }

    /// Alternatives matching the numerals of one length between `from` and `to` (equal lengths, `from <= to`).
    private static func sameLength(from: [Character], to: [Character]) -> [String] {
        guard let first = from.first, let last = to.first else { return [""] }
        if from == to { return [GBNF.literal(String(from))] }
        let fromRest = Array(from.dropFirst()), toRest = Array(to.dropFirst())
        if first == last { return sameLength(from: fromRest, to: toRest).map { join(GBNF.literal(String(first)), $0) } }
        let lowTailIsZero = fromRest.allSatisfy { $0 == "0" }, highTailIsNine = toRest.allSatisfy { $0 == "9" }
        let any = anyDigits(fromRest.count)
        var alternatives: [String] = []
        // The first digit at its lower end constrains the rest from below, at its upper end from above;
        // the digits strictly between (or including an end whose tail is unconstrained) take any tail.
        if !lowTailIsZero {
            alternatives += sameLength(from: fromRest, to: Array(repeating: "9", count: fromRest.count))
                .map { join(GBNF.literal(String(first)), $0) }
        }
        let middleLow = lowTailIsZero ? first.wholeNumberValue! : first.wholeNumberValue! + 1
        let middleHigh = highTailIsNine ? last.wholeNumberValue! : last.wholeNumberValue! - 1
        if middleLow <= middleHigh { alternatives.append(join(digitClass(middleLow, middleHigh), any)) }
        if !highTailIsNine {
            alternatives += sameLength(from: Array(repeating: "0", count: toRest.count), to: toRest)
                .map { join(GBNF.literal(String(last)), $0) }
        }
        return alternatives
    }

    private static func digitClass(_ low: Int, _ high: Int) -> String {
        low == high ? GBNF.literal(String(low)) : "[\(low)-\(high)]"
    }

    private static func anyDigits(_ count: Int) -> String {
        switch count {
        case 0: ""
        case 1: "[0-9]"
        default: "[0-9]{\(count)}"
        }
    }

    /// Digit literals run together: `"9" "2" [0-1]` reads better as `"92" [0-1]`.
    private static func join(_ head: String, _ tail: String) -> String {
        if tail.isEmpty { return head }
        if head.hasSuffix("\""), tail.hasPrefix("\"") { return String(head.dropLast()) + tail.dropFirst() }
        return head + " " + tail
    }
}
