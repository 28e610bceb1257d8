import Foundation

/// The key/value cache: a pool of fixed-size blocks shared by all sequences, and a block table per
/// sequence slot (vLLM's paged KV). Sized once from a byte budget; blocks move between sequences, memory
/// never grows.
///
/// Two ways to drive it, never mixed on one cache: `reserve`/`release`, where the cache picks free
/// blocks itself (one sequence per slot, as the engine's benchmarks and tests use it), or
/// `append(slot:blocks:)`/`release`, where an owner outside names the blocks (the worker's scheduler,
/// whose prefix cache lets several slots' tables name the same block).
///
/// Layout of one block: for each layer, K then V, each `(blockSize, kvDim)` half-precision rows. Half
/// precision halves what attention reads, and it is what llama.cpp keeps, whose tokens Loom matches.
/// Its sizes come from a `KVLayout`, the value the scheduler plans with. The pool is mapped, not
/// written: a block's pages become resident when a sequence first writes it, and `discard` gives the
/// pages of blocks nobody needs back to the system. Owned by the compute thread; during a forward pass the pool workers read and write disjoint rows
/// through `KVCache.View`, a plain bundle of pointers.
public final class KVCache {
    public let layout: KVLayout
    public var blockSize: Int { layout.blockSize }
    public var blockCount: Int { layout.blockCount }
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
    /// False once an owner names blocks through `append`: `reserve`'s free list no longer describes
    /// the pool.
    private var ownsBlocks = true

    /// A pool of `layout`'s blocks for `slots` sequences of `config`'s model.
    public init(layout: KVLayout, config: LlamaConfig, slots: Int) throws(KVLayoutError) {
        guard layout.bytesPerToken == KVLayout.bytesPerToken(config) else {
            throw .modelMismatch(layoutBytesPerToken: layout.bytesPerToken, modelBytesPerToken: KVLayout.bytesPerToken(config))
        }
        guard slots >= 1 else { throw .notPositive("slot count", slots) }
        self.layout = layout
        layers = config.layers
        kvDim = config.kvDim
        slotCount = slots
        maxBlocksPerSlot = layout.blocks(forTokens: config.contextLength)
        storage = try Self.map(halfs: layout.blockCount * layers * 2 * layout.blockSize * kvDim)
        tables = .allocate(capacity: slots * maxBlocksPerSlot)
        blocksHeld = Array(repeating: 0, count: slots)
        freeBlocks = (0..<Int32(layout.blockCount)).reversed()
    }

    /// A pool of as many default-sized blocks as `budgetBytes` holds.
    public convenience init(config: LlamaConfig, budgetBytes: Int, slots: Int) throws(KVLayoutError) {
        try self.init(layout: KVLayout(model: config, budgetBytes: budgetBytes), config: config, slots: slots)
    }

    /// Writes every byte of the pool once, so that its memory is resident: what a pool whose
    /// sequences are all full takes (a benchmark of memory, not of speed).
    public func touchAll() {
        storage.update(repeating: 0, count: blockCount * layers * 2 * blockSize * kvDim)
    }

    deinit {
        munmap(storage, storageBytes)
        tables.deallocate()
    }

    private var storageBytes: Int { blockCount * blockBytes }
    private var blockBytes: Int { layers * 2 * blockSize * kvDim * MemoryLayout<UInt16>.stride }

    /// Page-aligned zeroed memory, mapped so that untouched pages cost nothing and `discard` can drop
    /// whole pages.
    private static func map(halfs: Int) throws(KVLayoutError) -> UnsafeMutablePointer<UInt16> {
        let bytes = halfs * MemoryLayout<UInt16>.stride
        guard let pointer = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            pointer != MAP_FAILED
        else { throw .unmappable(bytes: bytes) }
        return pointer.bindMemory(to: UInt16.self, capacity: halfs)
    }

    /// Gives the memory of these blocks back to the system: their contents are gone (they read as
    /// zeros), and their pages are resident again only when written. For blocks no sequence and no
    /// cache entry needs; pages shared with a neighbouring block that is not listed are kept.
    public func discard(_ blocks: [Int32]) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let base = UnsafeMutableRawPointer(storage)
        for run in blocks.filter({ $0 >= 0 && Int($0) < blockCount }).sorted().runs {
            let start = (Int(run.lowerBound) * blockBytes + page - 1) / page * page
            let end = Int(run.upperBound) * blockBytes / page * page
            if end > start { madvise(base + start, end - start, MADV_DONTNEED) }
        }
    }

    public var freeBlockCount: Int { freeBlocks.count }
    public var usedBlockCount: Int { blockCount - freeBlocks.count }
    public var capacityTokens: Int { layout.capacityTokens }

    /// Makes room for positions `0..<tokens` in `slot`. Returns false, changing nothing, if the pool
    /// lacks the blocks, the slot would pass the context length, or there is no such slot.
    public func reserve(slot: Int, tokens: Int) -> Bool {
        guard slot >= 0, slot < slotCount, ownsBlocks else { return false }
        let needed = layout.blocks(forTokens: tokens)
        let missing = needed - blocksHeld[slot]
        guard missing > 0 else { return true }
        guard missing <= freeBlocks.count, needed <= maxBlocksPerSlot else { return false }
        let row = tables + slot * maxBlocksPerSlot
        for i in blocksHeld[slot]..<needed { row[i] = freeBlocks.removeLast() }
        blocksHeld[slot] = needed
        return true
    }

    /// Empties `slot`'s table. Blocks `reserve` took go back to its free list; blocks an owner named
    /// through `append` are the owner's business.
    public func release(slot: Int) {
        guard slot >= 0, slot < slotCount else { return }
        let row = tables + slot * maxBlocksPerSlot
        if ownsBlocks {
            for i in (0..<blocksHeld[slot]).reversed() { freeBlocks.append(row[i]) }
        }
        blocksHeld[slot] = 0
    }

    /// Makes entry `index` of `slot`'s table name `block`, chosen by the owner. Returns false, changing
    /// nothing, if there is no such entry or block, or the cache picks its blocks itself.
    public func replace(slot: Int, index: Int, block: Int32) -> Bool {
        guard !ownsBlocks, slot >= 0, slot < slotCount, index >= 0, index < blocksHeld[slot], block >= 0,
            Int(block) < blockCount
        else { return false }
        tables[slot * maxBlocksPerSlot + index] = block
        return true
    }

    /// Copies the K and V rows of the first `rows` positions of block `from`, in every layer, into
    /// block `to`. Returns false, copying nothing, for a block out of range or too many rows.
    public func copy(from source: Int32, to target: Int32, rows: Int) -> Bool {
        guard source >= 0, Int(source) < blockCount, target >= 0, Int(target) < blockCount, source != target,
            rows >= 0, rows <= blockSize
        else { return false }
        let v = view
        for layer in 0..<layers {
            for kind in 0..<2 {
                v.panel(block: target, layer: layer, kind: kind).update(from: v.panel(block: source, layer: layer, kind: kind), count: rows * kvDim)
            }
        }
        return true
    }

    /// Appends blocks chosen by the owner to `slot`'s table. Returns false, changing nothing, if there
    /// is no such slot, a block is out of range, or the table would pass the context length.
    public func append(slot: Int, blocks: [Int32]) -> Bool {
        guard slot >= 0, slot < slotCount, blocksHeld[slot] + blocks.count <= maxBlocksPerSlot,
            blocks.allSatisfy({ $0 >= 0 && Int($0) < blockCount })
        else { return false }
        ownsBlocks = false
        let row = tables + slot * maxBlocksPerSlot
        for (i, block) in blocks.enumerated() { row[blocksHeld[slot] + i] = block }
        blocksHeld[slot] += blocks.count
        return true
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

extension [Int32] {
    /// Sorted values as runs of consecutive ones: [1, 2, 3, 7] → [1..<4, 7..<8].
    fileprivate var runs: [Range<Int32>] {
        var runs: [Range<Int32>] = []
        for value in self {
            if let last = runs.last, last.upperBound == value {
                runs[runs.count - 1] = last.lowerBound..<(value + 1)
            } else {
                runs.append(value..<(value + 1))
            }
        }
        return runs
    }
}
