import WorkerKit

/// An independent model of the executor's `KVCache` tables and of what its blocks hold. Tests apply
/// the scheduler's actions here, then "write" each planned item: a position's simulated KV is a hash of
/// every key up to it (as a real position's KV depends on its whole prefix). A block another slot also
/// names must never be written, and a position read through a cache hit must hold the reader's own
/// prefix.
struct SlotTables {
    let blockSize: Int
    let blockCount: Int
    let slotCount: Int
    let maxBlocksPerSlot: Int
    private(set) var tables: [Int: [Int32]] = [:]
    /// What each block's positions hold: the prefix hash written there, or nil if never written.
    private var contents: [[UInt64?]]

    init(_ config: SchedulerConfig) {
        blockSize = config.kv.blockSize
        blockCount = config.kv.blockCount
        slotCount = config.maxRunning
        maxBlocksPerSlot = (config.contextLength + blockSize - 1) / blockSize
        contents = Array(repeating: Array(repeating: nil, count: blockSize), count: blockCount)
    }

    /// Distinct blocks some slot names.
    var used: Int { Set(tables.values.flatMap { $0 }).count }

    func blocks(inSlot slot: Int) -> Int { tables[slot]?.count ?? 0 }

    /// How many slots name `block`.
    func holders(_ block: Int32) -> Int { tables.values.reduce(0) { $0 + $1.filter { $0 == block }.count } }

    /// Returns false, changing nothing, for an action the real cache would refuse.
    mutating func apply(_ action: KVAction) -> Bool {
        switch action {
        case .append(let slot, let blocks):
            let held = tables[slot] ?? []
            guard (0..<slotCount).contains(slot), held.count + blocks.count <= maxBlocksPerSlot,
                blocks.allSatisfy({ (0..<Int32(blockCount)).contains($0) }), Set(held + blocks).count == held.count + blocks.count
            else { return false }
            tables[slot] = held + blocks
            return true
        case .release(let slot):
            tables[slot] = nil
            return true
        case .copy(let source, let target, let rows):
            guard source != target, (0..<Int32(blockCount)).contains(source), (0..<Int32(blockCount)).contains(target),
                holders(target) == 1, (1..<blockSize).contains(rows)
            else { return false }
            for row in 0..<rows { contents[Int(target)][row] = contents[Int(source)][row] }
            return true
        case .replace(let slot, let index, let block):
            guard let held = tables[slot], held.indices.contains(index), !held.contains(block) else { return false }
            // The cached copy must hold what the slot's own block held.
            guard contents[Int(block)] == contents[Int(held[index])] else { return false }
            tables[slot]![index] = block
            return true
        }
    }

    /// Writes positions `items` of `slot`, whose keys are `keys`; false if a written block is shared.
    mutating func write(slot: Int, items: Range<Int>, keys: [UInt64]) -> Bool {
        guard let table = tables[slot] else { return false }
        var shared = false
        for position in items {
            let block = table[position / blockSize]
            if holders(block) > 1 { shared = true }
            contents[Int(block)][position % blockSize] = Self.prefixHash(keys[...position])
        }
        return !shared
    }

    /// Whether positions `0..<count` of `slot` hold what `keys` would have written there.
    func holds(slot: Int, count: Int, keys: [UInt64]) -> Bool {
        guard let table = tables[slot] else { return count == 0 }
        return (0..<count).allSatisfy { position in
            contents[Int(table[position / blockSize])][position % blockSize] == Self.prefixHash(keys[...position])
        }
    }

    static func prefixHash(_ keys: ArraySlice<UInt64>) -> UInt64 {
        keys.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ $1) &* 0x0000_0100_0000_01b3 }
    }
}
