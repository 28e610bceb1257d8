/// Numeric fields read with their range: a value that is not a number of the right kind, not in
/// the range, or not one JSON can hold as a finite number (`4.5` for an integer, `1e20`, `1e999`)
/// is an `InvalidField` naming the field and the range. Absent or null is `nil`.
extension KeyedDecodingContainer {
    func decodeInteger<Integer: FixedWidthInteger & Decodable>(
        _: Integer.Type, forKey key: Key, in range: ClosedRange<Integer>, _ requirement: String? = nil
    ) throws -> Integer? {
        guard try isPresent(key) else { return nil }
        if let value = try? decode(Integer.self, forKey: key), range.contains(value) { return value }
        throw InvalidField(
            codingPath + [key],
            requirement ?? "must be an integer between \(range.lowerBound) and \(range.upperBound)")
    }

    /// `range`, with `above` for a lower bound the value must exceed rather than reach.
    func decodeNumber(forKey key: Key, in range: ClosedRange<Double>, above: Bool = false) throws -> Double? {
        guard try isPresent(key) else { return nil }
        if let value = try? decode(Double.self, forKey: key), value.isFinite, range.contains(value),
            !above || value > range.lowerBound
        {
            return value
        }
        let lower = above ? "greater than \(Self.text(range.lowerBound)) and at most" : "between \(Self.text(range.lowerBound)) and"
        throw InvalidField(codingPath + [key], "must be a number \(lower) \(Self.text(range.upperBound))")
    }

    private func isPresent(_ key: Key) throws -> Bool {
        guard contains(key) else { return false }
        return !(try decodeNil(forKey: key))
    }

    /// `2`, not `2.0`.
    private static func text(_ bound: Double) -> String {
        bound == bound.rounded() && abs(bound) < 1e15 ? String(Int(bound)) : String(bound)
    }
}
