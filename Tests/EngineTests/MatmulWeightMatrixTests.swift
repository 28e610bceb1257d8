import Engine
import Foundation
import Testing
import TestSupport

/// Weight matrices read from SmolLM2-135M-Instruct (Q4_1, with a Q8_0 embedding).
@Suite(.requires(.smolLM2))
struct MatmulWeightMatrixTests {

    @Test func readsShapesAndTypesFromTheFile() throws {
        let gguf = try Fixtures.smolLM2()
        let q = try WeightMatrix(gguf: gguf, name: "blk.0.attn_q.weight")
        #expect((q.type, q.rows, q.cols, q.rowBytes) == (.q4_1, 576, 576, 576 / 32 * 20))
        let k = try WeightMatrix(gguf: gguf, name: "blk.0.attn_k.weight", rows: 192, cols: 576)
        #expect((k.type, k.rows, k.cols) == (.q4_1, 192, 576))
        let down = try WeightMatrix(gguf: gguf, name: "blk.0.ffn_down.weight")
        #expect((down.rows, down.cols) == (576, 1536))
        let embedding = try WeightMatrix(gguf: gguf, name: "token_embd.weight")
        #expect((embedding.type, embedding.rows, embedding.cols) == (.q8_0, 49152, 576))
    }

    @Test func rejectsWrongShapesAndMissingTensorsWithTheirNames() throws {
        let gguf = try Fixtures.smolLM2()
        #expect {
            try WeightMatrix(gguf: gguf, name: "blk.0.attn_k.weight", rows: 576, cols: 576)
        } throws: { error in
            "\(error)".contains("blk.0.attn_k.weight") && "\(error)".contains("expected 576 rows × 576 columns")
        }
        #expect {
            try WeightMatrix(gguf: gguf, name: "blk.0.attn_k.weight", rows: 96, cols: 1152)
        } throws: { error in "\(error)".contains("blk.0.attn_k.weight") }
        #expect {
            try WeightMatrix(gguf: gguf, name: "blk.99.attn_q.weight")
        } throws: { error in "\(error)".contains("missing tensor blk.99.attn_q.weight") }
    }

    @Test func embeddingRowIsTheQ8BlocksTimesTheirScales() throws {
        let gguf = try Fixtures.smolLM2()
        let embedding = try WeightMatrix(gguf: gguf, name: "token_embd.weight")
        var row = [Float](repeating: .nan, count: 576)
        row.withUnsafeMutableBufferPointer { embedding.dequantizeRow(1234, into: $0.baseAddress!) }
        let raw = embedding.row(1234)
        for block in 0..<18 {
            let d = Half.float(raw.loadUnaligned(fromByteOffset: 34 * block, as: UInt16.self))
            for j in 0..<32 {
                #expect(row[32 * block + j] == Float(raw.load(fromByteOffset: 34 * block + 2 + j, as: Int8.self)) * d)
            }
        }
    }

    @Test func productsOnTheModelFollowGGMLArithmetic() throws {
        let gguf = try Fixtures.smolLM2()
        let context = MatmulContext(pool: ComputePool(threads: 2), maxBatch: 5, maxCols: 1536)
        for name in ["blk.3.ffn_down.weight", "blk.3.attn_v.weight", "token_embd.weight"] {
            let full = try WeightMatrix(gguf: gguf, name: name)
            // The first 300 rows (all of a smaller matrix) keep the double-precision reference quick.
            let rows = min(full.rows, 300)
            let w = WeightMatrix(type: full.type, rows: rows, cols: full.cols,
                                 bytes: Array(UnsafeRawBufferPointer(start: full.data, count: rows * full.rowBytes)))
            let x = QuantTestSupport.randomActivations(batch: 5, cols: w.cols, seed: 9, outlier: true)
            var y = [Float](repeating: 0, count: 5 * rows)
            context.multiply(w, x, batch: 5, into: &y)
            let emulated = QuantTestSupport.emulatedProduct(w, x, batch: 5)
            for b in 0..<5 {
                let error = QuantTestSupport.relativeError(y, emulated, row: b, n: rows)
                #expect(error < 1e-5, "\(name) row \(b): relative error \(error)")
            }
        }
    }
}
