/// A stretch of the input after special tokens are cut out: raw text still to tokenize, or a special
/// token matched by its exact text.
enum TextFragment: Equatable {
    case text(Range<Int>)
    case token(Int32)

    /// llama.cpp's `tokenizer_st_partition`: for each special token, longest text first, every
    /// occurrence in the remaining raw text becomes that token.
    static func split(_ bytes: [UInt8], specials: [(id: Int32, text: [UInt8])]) -> [TextFragment] {
        var fragments: [TextFragment] = bytes.isEmpty ? [] : [.text(0..<bytes.count)]
        for special in specials where !special.text.isEmpty {
            guard fragments.contains(where: { if case .text = $0 { true } else { false } }) else { break }
            var next: [TextFragment] = []
            next.reserveCapacity(fragments.count)
            for fragment in fragments {
                guard case .text(let range) = fragment else {
                    next.append(fragment)
                    continue
                }
                var cursor = range.lowerBound
                while let match = firstOccurrence(of: special.text, in: bytes, from: cursor, to: range.upperBound) {
                    if match > cursor { next.append(.text(cursor..<match)) }
                    next.append(.token(special.id))
                    cursor = match + special.text.count
                }
                if cursor < range.upperBound { next.append(.text(cursor..<range.upperBound)) }
            }
            fragments = next
        }
        return fragments
    }

    private static func firstOccurrence(of needle: [UInt8], in bytes: [UInt8], from start: Int, to end: Int) -> Int? {
        guard needle.count <= end - start else { return nil }
        let first = needle[0]
        var i = start
        let last = end - needle.count
        while i <= last {
            if bytes[i] == first && bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
