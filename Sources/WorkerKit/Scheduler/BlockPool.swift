/// The KV pool's blocks as the scheduler hands them out, and the prefix cache over them: a value type
/// with no I/O, which the `KVCache` follows through the plans' actions.
///
/// A block is free, held by running sequences (reference-counted: sequences that share a prefix share
/// its blocks), or cached and unreferenced (evictable, least recently released first). A full block
/// whose items are known is *registered*: it becomes a node of a tree keyed by content, whose key is
/// (the parent node, the block's item keys). A new sequence walks the tree from the root with its own
/// items and takes every block it finds: its KV for those positions is already computed, and with the
/// batch-invariant arithmetic it is the very bits the sequence would compute itself.
///
/// A sequence that ends leaves its partly filled last block as a *partial* node: a leaf under its
/// last full node, holding fewer items. A later sequence whose items part from every child of its
/// last matched node within a block copies the rows it shares with the best one, full or partial,
/// into a block of its own (copy on write: nobody ever writes a cached block). So hits are as long
/// as a radix tree over tokens would give, while blocks stay whole.
///
/// Nodes are named by serial numbers that are never reused, so a node evicted and its block refilled
/// with other content can never be mistaken for its old self: children left behind by an evicted
/// parent can no longer be reached and are evicted in their turn. Keys are compared in full, so a hit
/// is exact, not a hash match.
public struct BlockPool: Sendable {
    public let blockSize: Int
    public let blockCount: Int
    private var blocks: [Block]
    private var free: [Int32]
    private var nodes: [NodeKey: Int32] = [:]
    /// Every node (full and partial) by its parent node.
    private var children: [UInt64: [Int32]] = [:]
    private var lru = LRUList()
    private var nextSerial: UInt64 = 1
    public private(set) var evictions = 0

    /// The node id that stands for "no prefix": the parent of every first block.
    public static let root: UInt64 = 0

    struct NodeKey: Hashable, Sendable {
        let parent: UInt64
        let items: [UInt64]
    }

    struct Block: Sendable {
        var references = 0
        /// The node the block holds, 0 if none.
        var serial: UInt64 = 0
        /// Its parent and items: fewer than `blockSize` items for a partial node.
        var key: NodeKey?
    }

    public init(blockSize: Int, blockCount: Int) {
        self.blockSize = blockSize
        self.blockCount = blockCount
        blocks = Array(repeating: Block(), count: blockCount)
        free = (0..<Int32(blockCount)).reversed()
        lru = LRUList(count: blockCount)
    }

    // MARK: Counts

    /// Blocks nobody holds and no cache entry names: their contents are not needed.
    public var unusedBlocks: [Int32] { free }

    /// Blocks a new allocation can take: free ones, then evictable cached ones.
    public var available: Int { free.count + lru.count }
    /// Blocks held by at least one sequence.
    public var used: Int { blockCount - available }
    /// Registered blocks (full and partial), held or evictable: counted as they come and go, as
    /// the heartbeat reads it after every step.
    public private(set) var cachedBlocks = 0
    public var evictableBlocks: Int { lru.count }

    public func references(_ block: Int32) -> Int { blocks[Int(block)].references }
    /// Whether the block is a node of the cache (reachable or not).
    public func isCached(_ block: Int32) -> Bool { blocks[Int(block)].serial != 0 }

    // MARK: Lookup

    /// The blocks of the longest registered prefix of `items`, at most `limit` blocks, without taking
    /// them, and the node id of the last (`root` if none).
    public func match(_ items: ArraySlice<UInt64>, limit: Int) -> (blocks: [Int32], node: UInt64) {
        var found: [Int32] = []
        var parent = Self.root
        var start = items.startIndex
        while found.count < limit, start + blockSize <= items.endIndex,
            let block = nodes[NodeKey(parent: parent, items: Array(items[start..<(start + blockSize)]))]
        {
            found.append(block)
            parent = blocks[Int(block)].serial
            start += blockSize
        }
        return (found, parent)
    }

    /// The node under `parent`, full or partial, that shares the most leading items with `items` (at
    /// most `limit`, less than a block), and how many it shares; nil if none shares one.
    public func matchPartial(_ items: ArraySlice<UInt64>, after parent: UInt64, limit: Int) -> (block: Int32, count: Int)? {
        var best: (block: Int32, count: Int)?
        for block in children[parent] ?? [] {
            guard let held = blocks[Int(block)].key?.items else { continue }
            var count = 0
            while count < min(held.count, limit), items.startIndex + count < items.endIndex,
                held[count] == items[items.startIndex + count]
            {
                count += 1
            }
            if count > (best?.count ?? 0) { best = (block, count) }
        }
        return best
    }

    /// Of `blocks` (a match's), how many are evictable now: taking them leaves that many fewer for
    /// allocation.
    public func evictable(among matched: [Int32]) -> Int {
        matched.reduce(0) { $0 + (blocks[Int($1)].references == 0 ? 1 : 0) }
    }

    // MARK: Changes

    /// One more sequence holds `block` (a match's): it leaves the evictable list.
    public mutating func retain(_ block: Int32) {
        let i = Int(block)
        if blocks[i].references == 0 { lru.remove(i) }
        blocks[i].references += 1
    }

    /// A block for a sequence's new positions: a free one, else the least recently released cached
    /// block, whose node is dropped. `nil` when every block is held.
    public mutating func allocate() -> Int32? {
        let block: Int32
        if let next = free.popLast() {
            block = next
        } else if let oldest = lru.popFirst() {
            block = Int32(oldest)
            forget(oldest)
            evictions += 1
        } else {
            return nil
        }
        blocks[Int(block)].references = 1
        return block
    }

    /// A sequence lets go of its blocks (its table, in order). Cached blocks the last holder lets go
    /// become evictable, the table's tail first: a chain is evicted from its end, so its head, the part
    /// most often shared, stays longest.
    public mutating func release(_ table: [Int32]) {
        for block in table.reversed() {
            let i = Int(block)
            precondition(blocks[i].references > 0, "block \(block) released more often than taken")
            blocks[i].references -= 1
            guard blocks[i].references == 0 else { continue }
            if blocks[i].serial != 0 { lru.append(i) } else { free.append(block) }
        }
    }

    /// What `register` did.
    public enum Registration: Sendable, Equatable {
        /// The block is the node `node` now.
        case registered(node: UInt64)
        /// The same content is a node already (another sequence computed it at the same time): the
        /// block stays private. The caller should hold `block` instead of its own copy, whose KV is the
        /// same, so the chain goes on through a node that cannot be evicted under it.
        case duplicate(of: Int32, node: UInt64)

        public var node: UInt64 {
            switch self {
            case .registered(let node), .duplicate(_, let node): node
            }
        }
    }

    /// Makes the full block `block`, holding `items` after the node `parent`, findable.
    public mutating func register(_ block: Int32, items: ArraySlice<UInt64>, after parent: UInt64) -> Registration {
        precondition(items.count == blockSize, "only full blocks are registered")
        let key = NodeKey(parent: parent, items: Array(items))
        if let existing = nodes[key] { return .duplicate(of: existing, node: blocks[Int(existing)].serial) }
        let i = Int(block)
        precondition(blocks[i].serial == 0 && blocks[i].references > 0, "block \(block) is not a private held block")
        blocks[i].serial = nextSerial
        blocks[i].key = key
        nodes[key] = block
        children[parent, default: []].append(block)
        nextSerial += 1
        cachedBlocks += 1
        return .registered(node: blocks[i].serial)
    }

    /// Keeps the private block `block`, whose first `items.count` (fewer than `blockSize`) positions
    /// hold `items` after the node `parent`, as a partial node; the caller then releases it as usual.
    /// Content already kept under that parent is not kept twice.
    public mutating func registerPartial(_ block: Int32, items: ArraySlice<UInt64>, after parent: UInt64) {
        precondition(!items.isEmpty && items.count < blockSize, "a partial node holds 1 to blockSize - 1 items")
        let i = Int(block)
        precondition(blocks[i].serial == 0 && blocks[i].references > 0, "block \(block) is not a private held block")
        let key = NodeKey(parent: parent, items: Array(items))
        guard !(children[parent] ?? []).contains(where: { blocks[Int($0)].key == key }) else { return }
        blocks[i].serial = nextSerial
        blocks[i].key = key
        children[parent, default: []].append(block)
        nextSerial += 1
        cachedBlocks += 1
    }

    private mutating func forget(_ i: Int) {
        if let key = blocks[i].key {
            if key.items.count == blockSize { nodes[key] = nil }
            children[key.parent]?.removeAll { $0 == Int32(i) }
            if children[key.parent]?.isEmpty == true { children[key.parent] = nil }
            cachedBlocks -= 1
        }
        blocks[i].serial = 0
        blocks[i].key = nil
    }

    /// Every count agrees with the blocks' states: for tests.
    public var isConsistent: Bool {
        let held = blocks.filter { $0.references > 0 }.count
        let evictable = blocks.filter { $0.references == 0 && $0.serial != 0 }.count
        let unowned = blocks.filter { $0.references == 0 && $0.serial == 0 }.count
        let registered = blocks.filter { $0.serial != 0 }.count
        return held == used && evictable == lru.count && unowned == free.count && registered == cachedBlocks
            && registered == children.values.reduce(0) { $0 + $1.count }
            && Set(free).count == free.count
    }
}

/// Block indices in release order, removable from anywhere in O(1): a doubly linked list threaded
/// through two arrays.
struct LRUList: Sendable {
    private var next: [Int]
    private var previous: [Int]
    private var member: [Bool]
    private var head = -1
    private var tail = -1
    private(set) var count = 0

    init(count capacity: Int = 0) {
        next = Array(repeating: -1, count: capacity)
        previous = Array(repeating: -1, count: capacity)
        member = Array(repeating: false, count: capacity)
    }

    mutating func append(_ i: Int) {
        precondition(!member[i])
        member[i] = true
        previous[i] = tail
        next[i] = -1
        if tail >= 0 { next[tail] = i } else { head = i }
        tail = i
        count += 1
    }

    mutating func remove(_ i: Int) {
        precondition(member[i])
        member[i] = false
        if previous[i] >= 0 { next[previous[i]] = next[i] } else { head = next[i] }
        if next[i] >= 0 { previous[next[i]] = previous[i] } else { tail = previous[i] }
        count -= 1
    }

    mutating func popFirst() -> Int? {
        guard head >= 0 else { return nil }
        let first = head
        remove(first)
        return first
    }
}
