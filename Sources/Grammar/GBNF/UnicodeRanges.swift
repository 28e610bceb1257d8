/// Sets of Unicode scalars as sorted, disjoint, inclusive ranges, and their UTF-8 byte-range sequences.
enum UnicodeRanges {
    static let surrogates: ClosedRange<UInt32> = 0xD800...0xDFFF

    static func normalized(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var merged: [ClosedRange<UInt32>] = []
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, r.lowerBound <= last.upperBound &+ 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        return merged
    }

    /// Every scalar value not in `ranges` (surrogates are not scalars, so never included).
    static func complement(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var result: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for r in normalized(ranges + [surrogates]) {
            if r.lowerBound > next { result.append(next...(r.lowerBound - 1)) }
            next = max(next, r.upperBound + 1)
        }
        if next <= 0x10FFFF { result.append(next...0x10FFFF) }
        return result
    }

    /// The UTF-8 encodings of the scalars in `ranges` as byte-range sequences: a byte string is the
    /// encoding of one of those scalars iff some sequence matches it byte by byte. The standard
    /// splitting: first by encoded length, then until every continuation range is whole.
    static func utf8Sequences(_ ranges: [ClosedRange<UInt32>]) -> [[ClosedRange<UInt8>]] {
        var sequences: [[ClosedRange<UInt8>]] = []
        for r in ranges {
            // Surrogates are never encoded: cut them out of the range.
            if r.lowerBound < 0xD800 { split(r.lowerBound, min(r.upperBound, 0xD7FF), into: &sequences) }
            if r.upperBound > 0xDFFF { split(max(r.lowerBound, 0xE000), r.upperBound, into: &sequences) }
        }
        return sequences
    }

    private static let lengthLimits: [UInt32] = [0x7F, 0x7FF, 0xFFFF, 0x10FFFF]

    private static func split(_ low: UInt32, _ high: UInt32, into out: inout [[ClosedRange<UInt8>]]) {
        for limit in lengthLimits.dropLast() where low <= limit && high > limit {
            split(low, limit, into: &out)
            split(limit + 1, high, into: &out)
            return
        }
        let length = encode(low).count
        for i in 1..<length {
            let m: UInt32 = (1 << (6 * UInt32(i))) - 1
            if low & ~m != high & ~m {
                if low & m != 0 {
                    split(low, low | m, into: &out)
                    split((low | m) + 1, high, into: &out)
                    return
                }
                if high & m != m {
                    split(low, (high & ~m) - 1, into: &out)
                    split(high & ~m, high, into: &out)
                    return
                }
            }
        }
        let a = encode(low)
        let b = encode(high)
        out.append((0..<length).map { a[$0]...b[$0] })
    }

    static func encode(_ value: UInt32) -> [UInt8] {
        Array(String(Character(Unicode.Scalar(value)!)).utf8)
    }
}
