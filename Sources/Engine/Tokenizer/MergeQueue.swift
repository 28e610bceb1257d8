/// A pending merge of the symbol at `left` with its right neighbour. `priority` orders merges
/// (smallest first) and carries `left` in its low 32 bits, so equal ranks or scores resolve leftmost
/// first, as llama.cpp's comparators do.
struct MergeCandidate {
    let priority: UInt64
    /// Bytes the two symbols held when the candidate was made (a merge is stale once they change).
    let length: Int32

    init(order: UInt32, left: Int32, length: Int32 = 0) {
        priority = UInt64(order) << 32 | UInt64(UInt32(bitPattern: left))
        self.length = length
    }

    var order: UInt32 { UInt32(truncatingIfNeeded: priority >> 32) }
    var left: Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: priority)) }
}

/// A binary min-heap of merge candidates: the merge queue of both tokenizers. Concrete rather than
/// generic so it is fast even where files are compiled one at a time (no cross-file specialisation).
struct MergeQueue {
    private var items: [MergeCandidate] = []

    mutating func push(_ candidate: MergeCandidate) {
        items.append(candidate)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].priority < items[parent].priority else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> MergeCandidate? {
        guard let last = items.popLast() else { return nil }
        guard !items.isEmpty else { return last }
        let top = items[0]
        items[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < items.count else { break }
            let right = left + 1
            let child = right < items.count && items[right].priority < items[left].priority ? right : left
            guard items[child].priority < items[parent].priority else { break }
            items.swapAt(child, parent)
            parent = child
        }
        return top
    }
}
