import CKernels
import Foundation
import Testing
import TestSupport

/// The attention kernel (Sources/CKernels/attention.c): its vector code against its portable code,
/// which spells out llama.cpp's order of float operations, and both against plain double arithmetic.
struct AttentionKernelTests {
    /// A paged cache of one layer: `blocks` blocks of (blockSize, kvDim) K rows then as many V rows,
    /// handed out in a scrambled order so that the table matters.
    struct Cache {
        let blockSize = 16, kvDim: Int, headDim: Int
        var halfs: [UInt16]
        var table: [Int32]
        var blockStride: Int { 2 * blockSize * kvDim }

        init(length: Int, headDim: Int, kvHeads: Int, seed: UInt64) {
            self.headDim = headDim
            kvDim = headDim * kvHeads
            let blocks = (length + blockSize - 1) / blockSize
            var rng = SplitMix64(seed: seed)
            var values = [Float](repeating: 0, count: blocks * 2 * blockSize * headDim * kvHeads)
            for i in values.indices { values[i] = rng.normal() }
            halfs = [UInt16](repeating: 0, count: values.count)
            ck_floats_to_halfs(values, &halfs, values.count)
            table = (0..<Int32(blocks)).reversed().map { $0 }
        }

        func value(_ p: Int, _ i: Int, kind: Int, group: Int) -> Float {
            let at = Int(table[p / blockSize]) * blockStride + kind * blockSize * kvDim + (p % blockSize) * kvDim + group * headDim + i
            var f: Float = 0
            ck_halfs_to_floats([halfs[at]], &f, 1)
            return f
        }
    }

    typealias Kernel = (UnsafePointer<Float>?, Int32, Int32, Int32, UnsafePointer<UInt16>?, UnsafePointer<Int32>?, Int, Int, Int,
                        Int32, Int32, Int32, Float, Int32, UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?, Int32) -> Void

    static func run(_ kernel: Kernel, _ cache: Cache, q: [Float], heads: Int, group: Int, length: Int, order: Int32) -> [Float] {
        var scores = [Float](repeating: 0, count: heads * length)
        var out = [Float](repeating: 0, count: heads * cache.headDim)
        let offset = group * cache.headDim
        kernel(q, Int32(heads), Int32(cache.headDim), Int32(cache.headDim), cache.halfs, cache.table, cache.blockStride,
               offset, cache.blockSize * cache.kvDim + offset, Int32(cache.blockSize), Int32(cache.kvDim), Int32(length),
               1 / Float(cache.headDim).squareRoot(), order, &scores, &out, Int32(cache.headDim))
        return out
    }

    /// Queries already rounded to half precision, as the decoder hands them over.
    static func queries(heads: Int, headDim: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        let q = (0..<heads * headDim).map { _ in rng.normal() }
        var h = [UInt16](repeating: 0, count: q.count), rounded = q
        ck_floats_to_halfs(q, &h, q.count)
        ck_halfs_to_floats(h, &rounded, q.count)
        return rounded
    }

    @Test(arguments: [1, 5, 16, 31, 33, 64, 65, 97, 130, 300], [64, 128])
    func vectorCodeGivesThePortableBits(length: Int, headDim: Int) {
        let heads = 3, cache = Cache(length: length, headDim: headDim, kvHeads: 2, seed: UInt64(length * headDim))
        let q = Self.queries(heads: heads, headDim: headDim, seed: UInt64(length))
        for order in [Int32(LOOM_ORDER_DOT), Int32(LOOM_ORDER_TILED)] {
            let fast = Self.run(loom_attention_group, cache, q: q, heads: heads, group: 1, length: length, order: order)
            let portable = Self.run(loom_attention_group_portable, cache, q: q, heads: heads, group: 1, length: length, order: order)
            let differing = fast.indices.filter { fast[$0].bitPattern != portable[$0].bitPattern }
            #expect(differing.isEmpty, "length \(length), head \(headDim), order \(order): \(differing.count) values differ")
            // The arithmetic is attention's: against the same sums in double.
            let exact = Self.reference(cache, q: q, heads: heads, group: 1, length: length)
            let error = zip(fast, exact).map { abs(Double($0) - $1) }.max() ?? 0
            #expect(error < 2e-3, "length \(length), head \(headDim), order \(order): off by \(error)")
        }
    }

    /// Softmax(q·k × scale) · v in double, with the weights rounded to half precision as llama.cpp does.
    static func reference(_ cache: Cache, q: [Float], heads: Int, group: Int, length: Int) -> [Double] {
        var out: [Double] = []
        for h in 0..<heads {
            let scores = (0..<length).map { p in
                (0..<cache.headDim).reduce(0.0) { $0 + Double(cache.value(p, $1, kind: 0, group: group)) * Double(q[h * cache.headDim + $1]) }
                    / Double(cache.headDim).squareRoot()
            }
            let max = scores.max()!, e = scores.map { exp($0 - max) }, sum = e.reduce(0, +)
            let weights = e.map { Double(Float16(Float($0 / sum))) }
            for i in 0..<cache.headDim {
                out.append((0..<length).reduce(0.0) { $0 + weights[$1] * Double(cache.value($1, i, kind: 1, group: group)) })
            }
        }
        return out
    }
}

extension AttentionKernelTests {
    /// A chunk of consecutive tokens computed together gives each token the bits it gets alone, with
    /// the vector code and the portable code: `tokens` tokens whose first attends to `length`
    /// positions, their query heads `dim` floats apart.
    @Test(arguments: [1, 15, 16, 17, 100, 300], [2, 5, 16])
    func aChunkGivesEachTokenItsOwnBits(length: Int, tokens: Int) {
        for (headDim, heads) in [(64, 3), (128, 1), (64, 4)] {
            let last = length + tokens - 1, kvHeads = 2, dim = heads * headDim * kvHeads
            let cache = Cache(length: last, headDim: headDim, kvHeads: kvHeads, seed: UInt64(last * 7 + headDim))
            let q = Self.queries(heads: tokens * dim / headDim, headDim: headDim, seed: UInt64(length + tokens))
            let group = 1, offset = group * cache.headDim, first = group * heads * headDim
            var scratch = [Float](repeating: 0, count: loom_attention_chunk_scratch(Int32(tokens), Int32(heads), Int32(headDim), Int32(last)))
            var chunk = [Float](repeating: 0, count: tokens * dim)
            q.withUnsafeBufferPointer { q in
                chunk.withUnsafeMutableBufferPointer { out in
                    loom_attention_chunk(q.baseAddress! + first, Int32(tokens), Int32(heads), Int32(dim), Int32(headDim),
                                         cache.halfs, cache.table, cache.blockStride, offset, cache.blockSize * cache.kvDim + offset,
                                         Int32(cache.blockSize), Int32(cache.kvDim), Int32(length), 1 / Float(headDim).squareRoot(),
                                         &scratch, out.baseAddress! + first, Int32(dim))
                }
            }
            for t in 0..<tokens {
                let own = Array(q[(t * dim + first)..<(t * dim + first + heads * headDim)])
                let alone = Self.run(loom_attention_group, cache, q: own, heads: heads, group: group, length: length + t,
                                     order: Int32(LOOM_ORDER_TILED))
                let together = Array(chunk[(t * dim + first)..<(t * dim + first + heads * headDim)])
                #expect(alone.map(\.bitPattern) == together.map(\.bitPattern),
                        "length \(length), token \(t) of \(tokens), head \(headDim) × \(heads)")
            }
        }
    }
}
