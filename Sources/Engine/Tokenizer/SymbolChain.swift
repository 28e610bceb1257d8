/// Adjacent symbols of a word being merged: a doubly linked list over an array, so merging two
/// neighbours is O(1) and indices stay valid (llama.cpp's `llm_symbol`).
struct SymbolChain {
    /// Byte offset of each symbol in the word, its length (0 once merged into its left neighbour),
    /// and its neighbours (-1 at the ends).
    var start: [Int32]
    var length: [Int32]
    var previous: [Int32]
    var next: [Int32]

    /// One symbol per UTF-8 sequence of `bytes[range]` (lengths from the lead byte, cut at the end).
    init(characterSymbolsOf bytes: [UInt8], in range: Range<Int>) {
        start = []
        length = []
        start.reserveCapacity(range.count)
        length.reserveCapacity(range.count)
        var offset = range.lowerBound
        while offset < range.upperBound {
            let n = min(UTF8Text.sequenceLength(lead: bytes[offset]), range.upperBound - offset)
            start.append(Int32(offset))
            length.append(Int32(n))
            offset += n
        }
        let count = Int32(start.count)
        previous = (0..<count).map { $0 - 1 }
        next = (0..<count).map { $0 + 1 == count ? -1 : $0 + 1 }
    }

    /// One symbol per byte.
    init(byteSymbolsOf range: Range<Int>) {
        let count = Int32(range.count)
        start = range.map { Int32($0) }
        length = Array(repeating: 1, count: range.count)
        previous = (0..<count).map { $0 - 1 }
        next = (0..<count).map { $0 + 1 == count ? -1 : $0 + 1 }
    }

    var isEmpty: Bool { start.isEmpty }

    /// Absorbs `right` into `left`, its neighbour.
    mutating func merge(_ left: Int32, _ right: Int32) {
        let l = Int(left), r = Int(right)
        length[l] += length[r]
        length[r] = 0
        next[l] = next[r]
        if next[r] >= 0 { previous[Int(next[r])] = left }
    }

    /// Surviving symbols, left to right.
    var survivors: [Int32] {
        var result: [Int32] = []
        var i: Int32 = isEmpty ? -1 : 0
        while i >= 0 {
            result.append(i)
            i = next[Int(i)]
        }
        return result
    }
}
