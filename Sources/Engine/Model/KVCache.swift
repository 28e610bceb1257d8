/// The key/value cache: a pool of fixed-size blocks shared by all sequences, and a block table per
/// sequence slot (vLLM's paged KV). Sized once from a byte budget; blocks move between sequences, memory
/// never grows.
///
/// Layout of one block: for each layer, K then V, each `(blockSize, kvDim)` half-precision rows. Half
/// precision halves what attention reads, and it is what llama.cpp keeps, whose tokens Loom matches.
/// Owned by the compute thread; during a forward pass the pool workers read and write disjoint rows
/// through `KVCache.View`, a plain bundle of pointers.
public final class KVCache {
    public let blockSize: Int
    public let blockCount: Int
    public let layers: Int
    public let kvDim: Int
    public let slotCount: Int
    /// Longest sequence a slot can hold, in blocks.
    public let maxBlocksPerSlot: Int
    private let storage: UnsafeMutablePointer<UInt16>
    /// (slotCount, maxBlocksPerSlot) block indices, row-major; `blocksHeld[slot]` of each row are valid.
    private let tables: UnsafeMutablePointer<Int32>
    public private(set) var blocksHeld: [Int]
    private var freeBlocks: [Int32]

    /// Bytes one token takes in the cache.
    public static func bytesPerToken(_ config: LlamaConfig) -> Int {
        config.layers * 2 * config.kvDim * MemoryLayout<UInt16>.size
    }

    public init(config: LlamaConfig, budgetBytes: Int, slots: Int, blockSize: Int = 16) {
        self.blockSize = blockSize
        layers = config.layers
        kvDim = config.kvDim
        slotCount = slots
        maxBlocksPerSlot = (config.contextLength + blockSize - 1) / blockSize
        blockCount = max(1, budgetBytes / (Self.bytesPerToken(config) * blockSize))
        storage = .allocate(capacity: blockCount * layers * 2 * blockSize * kvDim)
        tables = .allocate(capacity: slots * maxBlocksPerSlot)
        blocksHeld = Array(repeating: 0, count: slots)
        freeBlocks = (0..<Int32(blockCount)).reversed()
    }

    deinit {
        storage.deallocate()
        tables.deallocate()
    }

    public var freeBlockCount: Int { freeBlocks.count }
    public var usedBlockCount: Int { blockCount - freeBlocks.count }
    public var capacityTokens: Int { blockCount * blockSize }

    /// Blocks needed to hold `tokens` positions.
    public func blocksFor(tokens: Int) -> Int { (tokens + blockSize - 1) / blockSize }

    /// Makes room for positions `0..<tokens` in `slot`. Returns false, changing nothing, if the pool
    /// lacks the blocks or the slot would pass the context length.
    public func reserve(slot: Int, tokens: Int) -> Bool {
        let needed = blocksFor(tokens: tokens)
        let missing = needed - blocksHeld[slot]
        guard missing > 0 else { return true }
        guard missing <= freeBlocks.count, needed <= maxBlocksPerSlot else { return false }
        let row = tables + slot * maxBlocksPerSlot
        for i in blocksHeld[slot]..<needed { row[i] = freeBlocks.removeLast() }
        blocksHeld[slot] = needed
        return true
    }

    /// Returns every block of `slot` to the pool.
    public func release(slot: Int) {
        let row = tables + slot * maxBlocksPerSlot
        for i in (0..<blocksHeld[slot]).reversed() { freeBlocks.append(row[i]) }
        blocksHeld[slot] = 0
    }

    var view: View {
        View(storage: storage, tables: tables, maxBlocksPerSlot: maxBlocksPerSlot,
             blockSize: blockSize, layers: layers, kvDim: kvDim)
    }

    /// What the forward pass needs to address the cache from any thread.
    struct View: @unchecked Sendable {  // raw pointers into memory the KVCache owns for the pass
        let storage: UnsafeMutablePointer<UInt16>
        let tables: UnsafeMutablePointer<Int32>
        let maxBlocksPerSlot: Int
        let blockSize: Int
        let layers: Int
        let kvDim: Int

        /// The K (kind 0) or V (kind 1) rows of `block` in `layer`: (blockSize, kvDim).
        @inline(__always)
        func panel(block: Int32, layer: Int, kind: Int) -> UnsafeMutablePointer<UInt16> {
            storage + ((Int(block) * layers + layer) * 2 + kind) * blockSize * kvDim
        }

        @inline(__always)
        func block(slot: Int, index: Int) -> Int32 { tables[slot * maxBlocksPerSlot + index] }

        /// The K or V row of `position` in `slot`.
        @inline(__always)
        func row(slot: Int, position: Int, layer: Int, kind: Int) -> UnsafeMutablePointer<UInt16> {
            panel(block: block(slot: slot, index: position / blockSize), layer: layer, kind: kind)
                + (position % blockSize) * kvDim
        }
    }
}
