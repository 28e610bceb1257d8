import WorkerKit

/// An independent model of the executor's `KVCache`: real block numbers in per-slot tables, with the
/// same rules (a slot holds `ceil(tokens / blockSize)` blocks, at most the context's worth). Tests apply
/// the scheduler's actions here and check that the scheduler's own count agrees.
struct BlockPool {
    let blockSize: Int
    let blockCount: Int
    let slotCount: Int
    let maxBlocksPerSlot: Int
    private var free: [Int]
    private var tables: [Int: [Int]] = [:]

    init(_ config: SchedulerConfig) {
        blockSize = config.kv.blockSize
        blockCount = config.kv.blockCount
        slotCount = config.maxRunning
        maxBlocksPerSlot = (config.contextLength + blockSize - 1) / blockSize
        free = Array((0..<blockCount).reversed())
    }

    var used: Int { blockCount - free.count }

    func blocks(inSlot slot: Int) -> Int { tables[slot]?.count ?? 0 }

    /// Every block is free or in exactly one slot's table, none twice.
    var isConsistent: Bool {
        let all = free + tables.values.flatMap { $0 }
        return all.count == blockCount && Set(all).count == blockCount
    }

    /// Returns false, changing nothing, when a reserve cannot be met, as `KVCache.reserve` does.
    mutating func apply(_ action: KVAction) -> Bool {
        switch action {
        case .reserve(let slot, let tokens):
            let needed = (tokens + blockSize - 1) / blockSize
            let held = tables[slot] ?? []
            guard (0..<slotCount).contains(slot), needed <= maxBlocksPerSlot else { return false }
            guard needed > held.count else { return true }
            guard needed - held.count <= free.count else { return false }
            tables[slot] = held + (held.count..<needed).map { _ in free.removeLast() }
            return true
        case .release(let slot):
            free += (tables.removeValue(forKey: slot) ?? []).reversed()
            return true
        }
    }
}
