import Testing
import TestSupport
@testable import Engine

/// The real KV pool: blocks reserved as sequences grow, freed all at once, reused by others in any
/// order (fragmentation), and a layout that must fit the model.
@Suite(.requires(.sharedFixtures)) struct KVCacheTests {
    static func config() throws -> LlamaConfig {
        try LlamaConfig(gguf: GGUFFile(path: Fixtures.path("tiny-llava/tiny-llama-f32.gguf")))
    }

    static func cache(blocks: Int, slots: Int = 4, blockSize: Int = 4) throws -> KVCache {
        let config = try config()
        let layout = try KVLayout(blockSize: blockSize, blockCount: blocks, bytesPerToken: KVLayout.bytesPerToken(config))
        return try KVCache(layout: layout, config: config, slots: slots)
    }

    @Test func layoutFromABudget() throws {
        let config = try Self.config()
        let perToken = KVLayout.bytesPerToken(config)
        let layout = try KVLayout(model: config, budgetBytes: 10 * 16 * perToken + 5)
        #expect(layout.blockCount == 10 && layout.blockSize == 16 && layout.capacityTokens == 160)
        #expect(layout.blocks(forTokens: 0) == 0 && layout.blocks(forTokens: 1) == 1 && layout.blocks(forTokens: 17) == 2)
        #expect(throws: KVLayoutError.budgetBelowOneBlock(budgetBytes: 100, blockBytes: 16 * perToken)) {
            try KVLayout(model: config, budgetBytes: 100)
        }
        #expect(throws: KVLayoutError.modelMismatch(layoutBytesPerToken: perToken + 2, modelBytesPerToken: perToken)) {
            try KVCache(layout: KVLayout(blockCount: 4, bytesPerToken: perToken + 2), config: config, slots: 1)
        }
    }

    @Test func reservesAsASequenceGrowsAndFreesAtOnce() throws {
        let kv = try Self.cache(blocks: 8)
        #expect(kv.reserve(slot: 0, tokens: 1) && kv.blocksHeld[0] == 1)
        #expect(kv.reserve(slot: 0, tokens: 4) && kv.blocksHeld[0] == 1)
        #expect(kv.reserve(slot: 0, tokens: 9) && kv.blocksHeld[0] == 3)
        #expect(kv.reserve(slot: 0, tokens: 2) && kv.blocksHeld[0] == 3)  // never shrinks
        #expect(kv.freeBlockCount == 5 && kv.usedBlockCount == 3)
        kv.release(slot: 0)
        #expect(kv.blocksHeld[0] == 0 && kv.freeBlockCount == 8)
    }

    @Test func refusesWithoutChangingAnything() throws {
        let kv = try Self.cache(blocks: 4)
        #expect(kv.reserve(slot: 1, tokens: 12))
        #expect(!kv.reserve(slot: 2, tokens: 8))       // two blocks wanted, one free
        #expect(kv.blocksHeld[2] == 0 && kv.freeBlockCount == 1)
        #expect(!kv.reserve(slot: 9, tokens: 1))       // no such slot
        #expect(!kv.reserve(slot: -1, tokens: 1))
        kv.release(slot: 9)
        let config = try Self.config()
        let roomy = try Self.cache(blocks: config.contextLength)
        #expect(!roomy.reserve(slot: 0, tokens: config.contextLength + 1))  // past the context
        #expect(roomy.blocksHeld[0] == 0)
    }

    /// A preempted sequence's blocks go straight to the one that needed them.
    @Test func preemptionHandsBlocksOver() throws {
        let kv = try Self.cache(blocks: 6)
        #expect(kv.reserve(slot: 0, tokens: 12) && kv.reserve(slot: 1, tokens: 12))
        #expect(!kv.reserve(slot: 0, tokens: 16))
        kv.release(slot: 1)
        #expect(kv.reserve(slot: 0, tokens: 16) && kv.blocksHeld[0] == 4 && kv.freeBlockCount == 2)
    }

    /// Slots freed in interleaved order leave the free list scattered; new sequences take whatever
    /// blocks are free, every position still has a row of its own, and nothing leaks.
    @Test func fragmentedBlocksStillGiveEveryPositionItsOwnRow() throws {
        let kv = try Self.cache(blocks: 12, slots: 4)
        for slot in 0..<4 { #expect(kv.reserve(slot: slot, tokens: 12)) }
        kv.release(slot: 1)
        kv.release(slot: 3)
        #expect(kv.reserve(slot: 1, tokens: 20))  // five blocks from two scattered runs
        #expect(kv.reserve(slot: 3, tokens: 4))
        #expect(kv.freeBlockCount == 0)
        let view = kv.view
        var rows = Set<UnsafeMutablePointer<UInt16>>()
        for (slot, tokens) in [(0, 12), (1, 20), (2, 12), (3, 4)] {
            for position in 0..<tokens {
                for layer in 0..<kv.layers {
                    for kind in 0..<2 { rows.insert(view.row(slot: slot, position: position, layer: layer, kind: kind)) }
                }
            }
        }
        #expect(rows.count == 48 * kv.layers * 2)
        for slot in 0..<4 { kv.release(slot: slot) }
        #expect(kv.freeBlockCount == 12)
    }
}
