import Testing
import TestSupport
import WorkerKit

/// The prefix cache's block operations, as a pure type.
@Suite struct BlockPoolTests {
    /// Keys of `blocks` full blocks of 4 items, from `seed`: chains with the same seed share them all.
    static func keys(_ seed: UInt64, blocks: Int, size: Int = 4) -> [UInt64] {
        (0..<(blocks * size)).map { seed * 1000 + UInt64($0) }
    }

    /// Allocates and registers a chain for `items` as a sequence would; returns its table.
    static func fill(_ pool: inout BlockPool, _ items: [UInt64]) throws -> [Int32] {
        var table: [Int32] = []
        var node = BlockPool.root
        for start in stride(from: 0, to: items.count, by: pool.blockSize) {
            let allocated = pool.allocate()
            let block = try #require(allocated)
            table.append(block)
            node = pool.register(block, items: items[start..<(start + pool.blockSize)], after: node).node
        }
        return table
    }

    @Test func aRegisteredChainIsFoundUpToWhereItemsDiffer() throws {
        var pool = BlockPool(blockSize: 4, blockCount: 8)
        let items = Self.keys(1, blocks: 3)
        let table = try Self.fill(&pool, items)
        #expect(pool.match(items[...], limit: 9).blocks == table)
        #expect(pool.match(items[...], limit: 2).blocks == Array(table.prefix(2)))
        var changed = items
        changed[9] = 7  // in the third block
        #expect(pool.match(changed[...], limit: 9).blocks == Array(table.prefix(2)))
        changed[0] = 7
        #expect(pool.match(changed[...], limit: 9).blocks.isEmpty)
        // The same items at another place (after another block) are another node.
        #expect(pool.match(items[4...], limit: 9).blocks.isEmpty)
        // A partial last block is never matched.
        #expect(pool.match(items[..<11], limit: 9).blocks == Array(table.prefix(2)))
        #expect(pool.cachedBlocks == 3 && pool.used == 3 && pool.isConsistent)
    }

    @Test func referencesKeepBlocksAndTheLastReleaseMakesThemEvictable() throws {
        var pool = BlockPool(blockSize: 4, blockCount: 4)
        let items = Self.keys(1, blocks: 2)
        let first = try Self.fill(&pool, items)
        // A second sequence takes the same chain: both hold it.
        let hit = pool.match(items[...], limit: 2).blocks
        for block in hit { pool.retain(block) }
        #expect(hit.allSatisfy { pool.references($0) == 2 })
        pool.release(first)
        #expect(pool.used == 2 && pool.evictableBlocks == 0)
        pool.release(hit)
        #expect(pool.used == 0 && pool.evictableBlocks == 2 && pool.available == 4 && pool.cachedBlocks == 2)
        // Still found, and taking it back removes it from the evictable list.
        let again = pool.match(items[...], limit: 2).blocks
        #expect(again == first && pool.evictable(among: again) == 2)
        pool.retain(again[0])
        #expect(pool.evictableBlocks == 1 && pool.isConsistent)
    }

    @Test func allocationTakesFreeBlocksFirstThenEvictsTheOldestReleasedTailFirst() throws {
        var pool = BlockPool(blockSize: 4, blockCount: 4)
        let a = try Self.fill(&pool, Self.keys(1, blocks: 2))
        pool.release(a)
        let b = try Self.fill(&pool, Self.keys(2, blocks: 2))  // the two free blocks
        #expect(Set(b).isDisjoint(with: a) && pool.evictions == 0)
        pool.release(b)
        // a was released first, its tail before its head.
        let oldest = pool.allocate()
        #expect(oldest == a[1] && pool.evictions == 1)
        #expect(pool.match(Self.keys(1, blocks: 2)[...], limit: 2).blocks == [a[0]])
        let next = pool.allocate()
        #expect(next == a[0])
        #expect(pool.match(Self.keys(1, blocks: 2)[...], limit: 2).blocks.isEmpty)
        let last = [pool.allocate(), pool.allocate()]
        #expect(last == [b[1], b[0]])
        let none = pool.allocate()
        #expect(none == nil, "every block is held")
        #expect(pool.cachedBlocks == 0 && pool.evictions == 4 && pool.isConsistent)
    }

    @Test func aDuplicateRegistrationKeepsTheFirstNodeAndTheChainGoesOnThroughIt() throws {
        var pool = BlockPool(blockSize: 4, blockCount: 8)
        let items = Self.keys(1, blocks: 2)
        let first = try Self.fill(&pool, items)
        let second = try Self.fill(&pool, items)  // computed at the same time, elsewhere
        #expect(pool.cachedBlocks == 2)
        #expect(pool.match(items[...], limit: 2).blocks == first)
        pool.release(second)  // never registered: back to the free list, not the evictable one
        #expect(pool.evictableBlocks == 0 && pool.available == 6 && pool.isConsistent)
    }

    @Test func childrenOfAnEvictedNodeAreNeverFoundAgainEvenWhenItsContentReturns() throws {
        var pool = BlockPool(blockSize: 4, blockCount: 3)
        let items = Self.keys(1, blocks: 2)
        let chain = try Self.fill(&pool, items)
        // Released head first (as if another sequence held the tail longer).
        pool.release([chain[0]])
        pool.release([chain[1]])
        let allocated = pool.allocate()
        let other = try #require(allocated)  // the free block
        #expect(!chain.contains(other))
        let reused = pool.allocate()
        #expect(reused == chain[0], "the head, released first, is evicted first")
        // The tail is still cached but its parent is gone. The head's content comes back, in the same
        // block, as a new node: the old tail must not hang from it.
        let head = try #require(reused)
        _ = pool.register(head, items: items[0..<4], after: BlockPool.root)
        #expect(pool.match(items[...], limit: 2).blocks == [head])
        #expect(pool.cachedBlocks == 2 && pool.isConsistent)
    }

    /// Random registrations, matches, retains, releases and allocations against a naive model: a list
    /// of nodes, each the whole prefix it stands for, searched linearly; eviction by the smallest release
    /// stamp; an evicted node takes its descendants out of reach.
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func agreesWithANaiveModel(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let size = 2
        var pool = BlockPool(blockSize: size, blockCount: 12)
        var naive = NaiveCache()
        /// Sequences holding blocks: their table and their items.
        var holders: [(table: [Int32], items: [UInt64])] = []
        var hits = 0, evictionsSeen = 0, twins = 0

        for _ in 0..<4000 {
            if !holders.isEmpty, Int.random(in: 0..<3, using: &random) == 0 {
                let victim = holders.remove(at: Int.random(in: 0..<holders.count, using: &random))
                pool.release(victim.table)
                naive.release(victim.table)
            } else {
                // Items from a small alphabet, so that prefixes are shared often.
                let length = Int.random(in: 1...6, using: &random) * size
                let items = (0..<length).map { _ in UInt64.random(in: 0..<2, using: &random) }
                let limit = Int.random(in: 0...(length / size), using: &random)
                let found = pool.match(items[...], limit: limit)
                #expect(found.blocks == naive.match(items, size: size, limit: limit), "match")
                hits += found.blocks.count
                let needed = length / size - found.blocks.count
                guard needed <= pool.available - pool.evictable(among: found.blocks) else { continue }
                for block in found.blocks {
                    pool.retain(block)
                    naive.retain(block)
                }
                var table = found.blocks
                var node = found.node
                var naiveNode = found.blocks.last
                for index in found.blocks.count..<(length / size) {
                    let allocated = pool.allocate()
                    let block = try #require(allocated)
                    let naiveBlock = naive.allocate()
                    #expect(block == naiveBlock, "allocation order")
                    table.append(block)
                    let chunk = items[(index * size)..<((index + 1) * size)]
                    let registration = pool.register(block, items: chunk, after: node)
                    node = registration.node
                    naiveNode = naive.register(block, prefix: Array(items[..<((index + 1) * size)]), parent: naiveNode)
                    if case .duplicate(let cached, _) = registration {
                        // Hold the cached copy instead, as the scheduler does.
                        #expect(naiveNode == cached)
                        twins += 1
                        pool.retain(cached)
                        pool.release([block])
                        naive.retain(cached)
                        naive.release([block])
                        table[index] = cached
                    } else {
                        #expect(naiveNode == block)
                    }
                }
                holders.append((table, items))
            }
            #expect(pool.isConsistent)
            let cachedHere: [Int32] = (0..<12).filter { pool.isCached($0) }
            let cachedThere: [Int32] = (0..<12).filter { b in naive.nodes.contains { $0.block == b } }
            #expect(cachedHere == cachedThere, "cached blocks")
            #expect(pool.available == naive.available && pool.evictions == naive.evictions)
            evictionsSeen = pool.evictions
        }
        #expect(hits > 500 && evictionsSeen > 100 && twins > 50,
                "the run must exercise hits (\(hits)), evictions (\(evictionsSeen)) and duplicates (\(twins))")
    }
}

/// The prefix cache written the slow, obvious way.
private struct NaiveCache {
    struct Node {
        var prefix: [UInt64]
        var block: Int32
        /// False once an ancestor was evicted: kept, but never found.
        var reachable = true
        var parent: Int32?
    }
    var nodes: [Node] = []
    var references: [Int32: Int] = [:]
    var released: [Int32: Int] = [:]  // evictable node blocks → release stamp
    var free: [Int32] = (0..<12).reversed()
    var clock = 0
    var evictions = 0

    var available: Int { free.count + released.count }

    func match(_ items: [UInt64], size: Int, limit: Int) -> [Int32] {
        var found: [Int32] = []
        while found.count < limit, (found.count + 1) * size <= items.count {
            let prefix = Array(items[..<((found.count + 1) * size)])
            guard let node = nodes.first(where: { $0.reachable && $0.prefix == prefix && $0.parent == found.last }) else { break }
            found.append(node.block)
        }
        return found
    }

    mutating func retain(_ block: Int32) {
        released[block] = nil
        references[block, default: 0] += 1
    }

    mutating func allocate() -> Int32 {
        let block: Int32
        if let next = free.popLast() {
            block = next
        } else {
            block = released.min { $0.value < $1.value }!.key
            released[block] = nil
            evict(block)
            evictions += 1
        }
        references[block] = 1
        return block
    }

    private mutating func evict(_ block: Int32) {
        guard let index = nodes.firstIndex(where: { $0.block == block }) else { return }
        nodes.remove(at: index)
        // Its descendants can no longer be reached.
        var lost: Set<Int32> = [block]
        var changed = true
        while changed {
            changed = false
            for i in nodes.indices where nodes[i].reachable {
                if let parent = nodes[i].parent, lost.contains(parent) || !nodes.contains(where: { $0.block == parent }) {
                    nodes[i].reachable = false
                    lost.insert(nodes[i].block)
                    changed = true
                }
            }
        }
    }

    /// Returns the node block the chain goes on from: the new one, or a reachable duplicate's.
    mutating func register(_ block: Int32, prefix: [UInt64], parent: Int32?) -> Int32 {
        if let twin = nodes.first(where: { $0.reachable && $0.prefix == prefix && $0.parent == parent }) { return twin.block }
        nodes.append(Node(prefix: prefix, block: block, parent: parent))
        return block
    }

    mutating func release(_ table: [Int32]) {
        for block in table.reversed() {
            references[block]! -= 1
            guard references[block] == 0 else { continue }
            references[block] = nil
            if nodes.contains(where: { $0.block == block }) {
                clock += 1
                released[block] = clock
            } else {
                free.append(block)
            }
        }
    }
}

/// Partial nodes: a sequence's partly filled last block, kept for prompts that go on alike.
@Suite struct PartialBlockTests {
    @Test func aPartialNodeIsFoundByItsSharedLeadingItemsUnderItsParentOnly() throws {
        var pool = BlockPool(blockSize: 4, blockCount: 8)
        let items = BlockPoolTests.keys(1, blocks: 2)
        let table = try BlockPoolTests.fill(&pool, Array(items.prefix(4)))
        let parent = pool.match(items[...], limit: 1).node
        let allocated = pool.allocate()
        let tail = try #require(allocated)
        pool.registerPartial(tail, items: items[4..<7], after: parent)  // 3 of 4 positions
        pool.release(table + [tail])
        #expect(pool.cachedBlocks == 2 && pool.evictableBlocks == 2 && pool.isConsistent)

        let found = pool.matchPartial(items[4...], after: parent, limit: 3)
        #expect(found?.block == tail && found?.count == 3)
        #expect(pool.matchPartial(items[4...], after: parent, limit: 2)?.count == 2, "the limit holds")
        var other = Array(items[4...])
        other[1] = 99
        #expect(pool.matchPartial(other[...], after: parent, limit: 3)?.count == 1, "up to the first difference")
        other[0] = 99
        #expect(pool.matchPartial(other[...], after: parent, limit: 3) == nil)
        #expect(pool.matchPartial(items[4...], after: BlockPool.root, limit: 3) == nil, "another parent")
        // The same content is not kept twice.
        let again = pool.allocate()
        let twin = try #require(again)
        pool.registerPartial(twin, items: items[4..<7], after: parent)
        pool.release([twin])
        #expect(pool.cachedBlocks == 2 && !pool.isCached(twin))
    }

    /// Items that part from a full node inside its block share its leading rows all the same.
    @Test func aFullNodeLendsTheRowsSharedBeforeTheItemsPart() throws {
        var pool = BlockPool(blockSize: 4, blockCount: 4)
        let items = BlockPoolTests.keys(1, blocks: 1)
        let table = try BlockPoolTests.fill(&pool, items)
        var other = items
        other[3] = 99
        #expect(pool.match(other[...], limit: 1).blocks.isEmpty)
        let shared = pool.matchPartial(other[...], after: BlockPool.root, limit: 3)
        #expect(shared?.block == table[0] && shared?.count == 3)
        #expect(pool.matchPartial(other[...], after: BlockPool.root, limit: 2)?.count == 2)
    }

    @Test func anEvictedPartialNodeIsGone() throws {
        var pool = BlockPool(blockSize: 4, blockCount: 1)
        let allocated = pool.allocate()
        let block = try #require(allocated)
        pool.registerPartial(block, items: [7, 8][...], after: BlockPool.root)
        pool.release([block])
        #expect(pool.matchPartial([7, 8, 9][...], after: BlockPool.root, limit: 2)?.count == 2)
        let reused = pool.allocate()
        #expect(reused == block && pool.evictions == 1)
        #expect(pool.matchPartial([7, 8, 9][...], after: BlockPool.root, limit: 2) == nil)
        #expect(pool.cachedBlocks == 0 && pool.isConsistent)
    }
}
