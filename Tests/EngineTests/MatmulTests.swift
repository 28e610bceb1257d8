import Engine
import Testing

@Suite struct MatmulTests {
    static let quantized: [GGMLType] = [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K]
    static let isas = KernelISA.allCases.filter(\.isSupported)
    static let pool = ComputePool(threads: 2)

    /// (rows, cols) per block size: rows not a multiple of 8, and several blocks per row.
    static func shapes(_ type: GGMLType) -> [(Int, Int)] {
        type.blockSize == 256 ? [(37, 512), (8, 256), (64, 768)] : [(37, 96), (8, 32), (64, 576)]
    }

    func product(_ context: MatmulContext, _ w: WeightMatrix, _ x: [Float], batch: Int, path: MatmulPath) -> [Float] {
        var y = [Float](repeating: .nan, count: batch * w.rows)
        context.multiply(w, x, batch: batch, into: &y, path: path)
        return y
    }

    /// Against the float product (dequantized weights × float x): only the 8-bit rounding of x differs,
    /// which costs 0.5–1.5% of the size of the terms on these random weights (a bug costs ~100%). The
    /// exact check is `int8PathFollowsGGMLAndIsBatchInvariant`.
    @Test(arguments: quantized, isas)
    func int8PathMatchesFloatReference(type: GGMLType, isa: KernelISA) {
        for arithmetic in Arithmetic.allCases {
            let context = MatmulContext(pool: Self.pool, maxBatch: 33, maxCols: 768, isa: isa, arithmetic: arithmetic)
            checkAgainstFloatReference(context, type: type)
        }
    }

    func checkAgainstFloatReference(_ context: MatmulContext, type: GGMLType) {
        let isa = context.isa, arithmetic = context.arithmetic
        for (index, (rows, cols)) in Self.shapes(type).enumerated() {
            let w = QuantTestSupport.randomMatrix(type, rows: rows, cols: cols, seed: UInt64(index + 1))
            for batch in [1, 3, 8, 33] {
                let x = QuantTestSupport.randomActivations(batch: batch, cols: cols, seed: UInt64(100 + index))
                let y = product(context, w, x, batch: batch, path: .int8)
                let reference = QuantTestSupport.reference(w, x, batch: batch)
                for b in 0..<batch {
                    let error = QuantTestSupport.relativeError(y, reference.y, row: b, n: rows, scale: reference.scale[b])
                    #expect(error < 2e-2, "\(type) \(isa) \(arithmetic) \(rows)×\(cols) batch \(batch) row \(b): relative error \(error)")
                }
            }
        }
    }

    /// Against ggml's arithmetic, on rows with an outlier: in the exact arithmetic, for the 32-value
    /// blocks, llama.cpp's own float order (`GGMLVecDot`), to the bit; otherwise x quantized as ggml
    /// quantizes it and products in double. And every row of a batch equal to the bit to the same row
    /// computed alone, at every batch size from 1 to 17 and at 33 (so through the register tiles and
    /// the panel tiles of every width).
    @Test(arguments: quantized, isas)
    func int8PathFollowsGGMLAndIsBatchInvariant(type: GGMLType, isa: KernelISA) {
        for arithmetic in Arithmetic.allCases {
            let context = MatmulContext(pool: Self.pool, maxBatch: 33, maxCols: 768, isa: isa, arithmetic: arithmetic)
            checkAgainstGGMLAndBatchInvariance(context, type: type)
        }
    }

    func checkAgainstGGMLAndBatchInvariance(_ context: MatmulContext, type: GGMLType) {
        let isa = context.isa, arithmetic = context.arithmetic
        for (index, (rows, cols)) in Self.shapes(type).enumerated() {
            let w = QuantTestSupport.randomMatrix(type, rows: rows, cols: cols, seed: UInt64(index + 11))
            let x = QuantTestSupport.randomActivations(batch: 33, cols: cols, seed: UInt64(200 + index), outlier: true)
            let singles = (0..<33).flatMap { b in
                product(context, w, Array(x[b * cols..<(b + 1) * cols]), batch: 1, path: .int8)
            }
            if arithmetic == .exact && GGMLVecDot.types.contains(type) {
                let exact = GGMLVecDot.product(w, x, batch: 33)
                let differing = (0..<33 * rows).filter { singles[$0].bitPattern != exact[$0].bitPattern }
                #expect(differing.isEmpty, "\(type) \(isa) \(rows)×\(cols): \(differing.count) values differ from llama.cpp's")
            } else {
                let emulated = QuantTestSupport.emulatedProduct(w, x, batch: 33)
                for b in 0..<33 {
                    let error = QuantTestSupport.relativeError(singles, emulated, row: b, n: rows)
                    #expect(error < 1e-5, "\(type) \(isa) \(arithmetic) \(rows)×\(cols) row \(b): relative error \(error) against ggml's arithmetic")
                }
            }
            for batch in Array(2...17) + [33] {
                let y = product(context, w, Array(x[0..<batch * cols]), batch: batch, path: .int8)
                let differing = (0..<batch * rows).filter { y[$0].bitPattern != singles[$0].bitPattern }
                #expect(differing.isEmpty, "\(type) \(isa) \(arithmetic) \(rows)×\(cols) batch \(batch): \(differing.count) values differ from single-row products")
            }
        }
    }

    /// The fast arithmetic is one definition: every instruction set gives the same bits as the
    /// portable code, for every type, at every batch size from 1 to 17 and at 33.
    @Test(arguments: quantized)
    func fastArithmeticIsTheSameOnEveryInstructionSet(type: GGMLType) {
        let portable = MatmulContext(pool: Self.pool, maxBatch: 33, maxCols: 768, isa: .scalar)
        for isa in Self.isas where isa != .scalar {
            let context = MatmulContext(pool: Self.pool, maxBatch: 33, maxCols: 768, isa: isa)
            for (index, (rows, cols)) in Self.shapes(type).enumerated() {
                let w = QuantTestSupport.randomMatrix(type, rows: rows, cols: cols, seed: UInt64(index + 31))
                let x = QuantTestSupport.randomActivations(batch: 33, cols: cols, seed: UInt64(400 + index), outlier: true)
                for batch in Array(1...17) + [33] {
                    let input = Array(x[0..<batch * cols])
                    let y = product(context, w, input, batch: batch, path: .int8)
                    let expected = product(portable, w, input, batch: batch, path: .int8)
                    let differing = (0..<batch * rows).filter { y[$0].bitPattern != expected[$0].bitPattern }
                    #expect(differing.isEmpty, "\(type) \(isa) \(rows)×\(cols) batch \(batch): \(differing.count) values differ from the portable code's")
                }
            }
        }
    }

    /// Q4_0, Q4_1, Q5_0, Q5_1, Q8_0: every value equal to the bit to llama.cpp's (`GGMLVecDot`) at
    /// every batch size from 1 to 17 and at 33, so through the register and the panel tiles of
    /// every width, with an outlier in the activations and row counts that leave a partial group of 16.
    @Test(arguments: GGMLVecDot.types, isas)
    func int8PathIsLlamaCppsArithmeticToTheBit(type: GGMLType, isa: KernelISA) {
        let context = MatmulContext(pool: Self.pool, maxBatch: 33, maxCols: 768, isa: isa, arithmetic: .exact)
        for (index, (rows, cols)) in [(37, 96), (21, 576), (8, 32)].enumerated() {
            let w = QuantTestSupport.randomMatrix(type, rows: rows, cols: cols, seed: UInt64(index + 21))
            let x = QuantTestSupport.randomActivations(batch: 33, cols: cols, seed: UInt64(300 + index), outlier: true)
            let exact = GGMLVecDot.product(w, x, batch: 33)
            for batch in Array(1...17) + [33] {
                let y = product(context, w, Array(x[0..<batch * cols]), batch: batch, path: .int8)
                let differing = (0..<batch * rows).filter { y[$0].bitPattern != exact[$0].bitPattern }
                #expect(differing.isEmpty, "\(type) \(isa) \(rows)×\(cols) batch \(batch): \(differing.count) values differ from llama.cpp's")
            }
        }
    }

    @Test(arguments: [GGMLType.f32, .f16, .bf16, .q4_1, .q6_K])
    func sgemmPathMatchesNaiveLoop(type: GGMLType) {
        let context = MatmulContext(pool: Self.pool, maxBatch: 40, maxCols: 512)
        let (rows, cols) = (300, type.blockSize == 256 ? 512 : 160)
        let w = QuantTestSupport.randomMatrix(type, rows: rows, cols: cols, seed: 7)
        for batch in [1, 5, 40] {
            let x = QuantTestSupport.randomActivations(batch: batch, cols: cols, seed: 8)
            let y = product(context, w, x, batch: batch, path: .sgemm)
            let reference = QuantTestSupport.reference(w, x, batch: batch)
            for b in 0..<batch {
                let error = QuantTestSupport.relativeError(y, reference.y, row: b, n: rows)
                #expect(error < 1e-5, "\(type) batch \(batch) row \(b): relative error \(error)")
            }
        }
    }

    @Test func stridedInputAndOutputWriteOnlyTheirSlice() {
        let context = MatmulContext(pool: Self.pool, maxBatch: 4, maxCols: 64)
        let w = QuantTestSupport.randomMatrix(.q8_0, rows: 20, cols: 64, seed: 3)
        let x = QuantTestSupport.randomActivations(batch: 3, cols: 64, seed: 4)
        let dense = [MatmulPath.int8: product(context, w, x, batch: 3, path: .int8), .sgemm: product(context, w, x, batch: 3, path: .sgemm)]
        // x rows 70 floats apart; y written into columns 5..<25 of a (3, 30) matrix.
        var wideX = [Float](repeating: 1e30, count: 3 * 70)
        for b in 0..<3 { for k in 0..<64 { wideX[b * 70 + k] = x[b * 64 + k] } }
        for path in [MatmulPath.int8, .sgemm] {
            var wide = [Float](repeating: -7, count: 3 * 30)
            wide.withUnsafeMutableBufferPointer { out in
                context.multiply(w, wideX, batch: 3, into: out.baseAddress! + 5, ldx: 70, ldy: 30, path: path)
            }
            for b in 0..<3 {
                for c in 0..<30 {
                    let value = wide[b * 30 + c]
                    if (5..<25).contains(c) {
                        let expected = dense[path]![b * 20 + c - 5]
                        #expect(abs(value - expected) <= 1e-5 * abs(expected), "\(path) at (\(b), \(c)): \(value) vs \(expected)")
                    } else {
                        #expect(value == -7, "\(path) wrote outside its slice at (\(b), \(c))")
                    }
                }
            }
        }
    }

    /// Products of one input in one call (mixed types: some share quantized activations, one takes
    /// sgemm) give what separate calls give.
    @Test(arguments: [1, 12])
    func groupedProductsMatchSeparateOnes(batch: Int) {
        let context = MatmulContext(pool: Self.pool, maxBatch: 12, maxCols: 512)
        let types: [GGMLType] = [.q4_K, .q5_K, .q6_K, .f16, .q4_1, .q5_1, .q8_0]
        let weights = types.enumerated().map { QuantTestSupport.randomMatrix($1, rows: 8 * $0 + 13, cols: 512, seed: UInt64($0)) }
        let x = QuantTestSupport.randomActivations(batch: batch, cols: 512, seed: 5)
        let outputs = weights.map { UnsafeMutablePointer<Float>.allocate(capacity: batch * $0.rows) }
        defer { outputs.forEach { $0.deallocate() } }
        context.multiply(x, batch: batch, into: zip(weights, outputs).map { MatmulTarget($0, into: $1) })
        for (w, output) in zip(weights, outputs) {
            let alone = product(context, w, x, batch: batch, path: .automatic)
            let differing = (0..<batch * w.rows).filter { output[$0].bitPattern != alone[$0].bitPattern }
            #expect(differing.isEmpty, "\(w.type): \(differing.count) values differ")
        }
    }

    @Test func automaticPathPicksByType() {
        let context = MatmulContext(pool: Self.pool, maxBatch: 8, maxCols: 32)
        #expect(context.resolve(.automatic, .q4_1) == .int8)
        #expect(context.resolve(.automatic, .f16) == .float)
        #expect(context.resolve(.int8, .bf16) == .float)
        #expect(context.resolve(.float, .q4_K) == .int8)
        #expect(context.resolve(.sgemm, .q4_K) == .sgemm)
    }

    /// F32, F16 and BF16 weights in their own type: against the naive loop in double, every row of a
    /// batch equal to the bit to the row alone, and the portable code equal to the bit to the vector
    /// code (row counts that leave partial tiles, and a width that is not a multiple of 16 for F32).
    @Test(arguments: [GGMLType.f32, .f16, .bf16])
    func floatPathIsFixedOrder(type: GGMLType) {
        let context = MatmulContext(pool: Self.pool, maxBatch: 40, maxCols: 520)
        let portable = MatmulContext(pool: Self.pool, maxBatch: 40, maxCols: 520, isa: .scalar)
        for (rows, cols) in [(37, 512), (5, 64)] + (type == .f32 ? [(19, 520 - 3)] : []) {
            let w = QuantTestSupport.randomMatrix(type, rows: rows, cols: cols, seed: 17)
            let x = QuantTestSupport.randomActivations(batch: 40, cols: cols, seed: 18)
            let singles = (0..<40).flatMap { b in product(context, w, Array(x[b * cols..<(b + 1) * cols]), batch: 1, path: .automatic) }
            let reference = QuantTestSupport.reference(w, x, batch: 40)
            for b in 0..<40 {
                let error = QuantTestSupport.relativeError(singles, reference.y, row: b, n: rows)
                #expect(error < 1e-5, "\(type) \(rows)×\(cols) row \(b): relative error \(error)")
            }
            for batch in [2, 3, 4, 5, 8, 17, 40] {
                let input = Array(x[0..<batch * cols])
                for (name, c) in [("vector", context), ("portable", portable)] {
                    let y = product(c, w, input, batch: batch, path: .automatic)
                    let differing = (0..<batch * rows).filter { y[$0].bitPattern != singles[$0].bitPattern }
                    #expect(differing.isEmpty, "\(type) \(name) \(rows)×\(cols) batch \(batch): \(differing.count) values differ from single-row products")
                }
            }
        }
    }
}
