import CKernels
import Foundation
import GGUFTestSupport
import Testing
import TestSupport
@testable import Engine

/// The tower's matrices in their file's type: F32 packed as before, F16 and BF16 in 16-bit panels,
/// quantized types through the integer kernels. A row's result must not depend on the rows computed
/// with it, and a tower must give nearly what its F32 original gives.
struct VisionWeightTypeTests {
    /// A (rows, stride) matrix of random values in [-1, 1].
    static func matrix(rows: Int, stride: Int, seed: UInt64) -> AlignedFloats {
        var random = RandomSource(seed: seed)
        let m = AlignedFloats(count: rows * stride)
        for i in 0..<rows * stride { m.base[i] = random.unit() * 2 - 1 }
        return m
    }

    static func layer(_ type: GGMLType, outputs: Int, inputs: Int, gemm: VisionGEMM = .best) -> LinearLayer {
        let w = QuantTestSupport.randomMatrix(type, rows: outputs, cols: inputs, seed: 5)
        var random = RandomSource(seed: 9)
        let bias = (0..<outputs).map { _ in random.unit() - 0.5 }
        return LinearLayer(parts: [w], bias: bias, gemm: gemm, matmul: VisionMatmul(), fromFile: false)
    }

    /// y for all `rows` at once, then again a block of rows at a time (blocks of `sizes`, in turn),
    /// over a y holding other values: every value must have the same bits.
    static func expectBatchInvariance(_ layer: LinearLayer, rows: Int, accumulate: Bool, activation: loom_activation,
                                      sizes: [Int], pool: ComputePool, otherPool: ComputePool) {
        let xStride = paddedStride(layer.inputs), yStride = paddedStride(layer.outputs)
        let x = matrix(rows: rows, stride: xStride, seed: 1)
        let initial = matrix(rows: rows, stride: yStride, seed: 2)
        let whole = AlignedFloats(count: rows * yStride), blocks = AlignedFloats(count: rows * yStride)
        whole.base.update(from: initial.base, count: rows * yStride)
        blocks.base.update(from: initial.base, count: rows * yStride)
        let xv = MatrixView(base: x.base, stride: xStride)
        layer.apply(xv, rows: rows, into: MatrixView(base: whole.base, stride: yStride), accumulate: accumulate,
                    activation: activation, pool: pool)
        var start = 0, turn = 0
        while start < rows {
            let n = min(sizes[turn % sizes.count], rows - start)
            layer.apply(xv.offset(row: start), rows: n, into: MatrixView(base: blocks.base, stride: yStride).offset(row: start),
                        accumulate: accumulate, activation: activation, pool: turn % 2 == 0 ? otherPool : pool)
            start += n
            turn += 1
        }
        var differing = 0
        for r in 0..<rows {
            for j in 0..<layer.outputs where whole.base[r * yStride + j].bitPattern != blocks.base[r * yStride + j].bitPattern {
                differing += 1
            }
        }
        #expect(differing == 0, "\(layer.weightType): \(differing) values differ between one product and blocks of \(sizes)")
    }

    @Test(arguments: [GGMLType.f32, .f16, .bf16, .q8_0, .q4_0], [false, true])
    func aRowsResultDoesNotDependOnTheRowsBesideIt(type: GGMLType, accumulate: Bool) {
        let pool = ComputePool(threads: 2), single = ComputePool(threads: 1)
        // 100 outputs: three whole panels and a partial one; 530 rows: more than one integer-path chunk.
        let layer = Self.layer(type, outputs: 100, inputs: 96)
        #expect(layer.weightType == "\(type)".lowercased())
        for sizes in [[1], [3, 14, 29], [17, 200]] {
            Self.expectBatchInvariance(layer, rows: 530, accumulate: accumulate, activation: accumulate ? LOOM_ACT_NONE : LOOM_ACT_GELU,
                                       sizes: sizes, pool: pool, otherPool: single)
        }
    }

    /// F16 and BF16 widen exactly, so their panels give the bits of the F32 product of the widened values.
    @Test(.enabled(if: VisionGEMM.avx512.isAvailable), arguments: [GGMLType.f16, .bf16])
    func halvesGiveTheProductOfTheirWidenedValues(type: GGMLType) {
        let pool = ComputePool(threads: 2)
        let (outputs, inputs, rows) = (70, 900, 45)  // two k slices
        let w = QuantTestSupport.randomMatrix(type, rows: outputs, cols: inputs, seed: 3)
        var widened = [Float](repeating: 0, count: outputs * inputs)
        Dequantize.values(type, from: w.data, count: outputs * inputs, into: &widened)
        let half = LinearLayer(parts: [w], bias: nil, gemm: .avx512, matmul: VisionMatmul(), fromFile: false)
        let single = LinearLayer(rowMajor: widened, outputs: outputs, inputs: inputs, bias: nil, gemm: .avx512)
        #expect(half.weightBytes == 96 * inputs * 2 && single.weightBytes == 96 * inputs * 4)
        let x = Self.matrix(rows: rows, stride: paddedStride(inputs), seed: 4)
        let a = AlignedFloats(count: rows * outputs), b = AlignedFloats(count: rows * outputs)
        let xv = MatrixView(base: x.base, stride: paddedStride(inputs))
        half.apply(xv, rows: rows, into: MatrixView(base: a.base, stride: outputs), pool: pool)
        single.apply(xv, rows: rows, into: MatrixView(base: b.base, stride: outputs), pool: pool)
        #expect((0..<rows * outputs).allSatisfy { a.base[$0].bitPattern == b.base[$0].bitPattern })
    }

    /// Q, K and V as three matrices of the file, the queries scaled after the product.
    @Test(arguments: [GGMLType.f16, .q8_0])
    func stackedPartsMatchOneMatrix(type: GGMLType) {
        let pool = ComputePool(threads: 2)
        let (h, rows) = (48, 20)
        let parts = (0..<3).map { QuantTestSupport.randomMatrix(type, rows: h, cols: 64, seed: 10 + UInt64($0)) }
        var widened = [Float](repeating: 0, count: 3 * h * 64)
        for (i, p) in parts.enumerated() {
            widened.withUnsafeMutableBufferPointer { Dequantize.values(type, from: p.data, count: h * 64, into: $0.baseAddress! + i * h * 64) }
        }
        let bias = (0..<3 * h).map { Float($0) / 100 }
        let stacked = LinearLayer(parts: parts, bias: bias, scaledOutputs: h, outputScale: 0.125, gemm: .best,
                                  matmul: VisionMatmul(), fromFile: false)
        #expect(stacked.outputs == 3 * h && stacked.weightType == "\(type)".lowercased())
        let x = Self.matrix(rows: rows, stride: 64, seed: 6)
        let y = AlignedFloats(count: rows * 3 * h)
        stacked.apply(MatrixView(base: x.base, stride: 64), rows: rows, into: MatrixView(base: y.base, stride: 3 * h), pool: pool)
        var worst = 0.0
        for r in 0..<rows {
            for j in 0..<3 * h {
                var sum = Double(bias[j]), magnitude = 0.0
                for k in 0..<64 {
                    sum += Double(widened[j * 64 + k]) * Double(x.base[r * 64 + k])
                    magnitude += abs(Double(widened[j * 64 + k]))
                }
                let scale = j < h ? 0.125 : 1
                // F16: float rounding only; Q8_0: each activation (|x| ≤ 1) rounded to 1/254 of its block's maximum.
                let bound = type == .f16 ? 1e-5 : magnitude / 254 * 1.01 + 1e-5
                worst = max(worst, abs(Double(y.base[r * 3 * h + j]) - sum * scale) / (bound * scale))
            }
        }
        #expect(worst <= 1, "worst difference \(worst) of the bound")
    }
}

/// The tiny fixture tower rewritten as F16 and as Q8_0 (as llama-quantize would: 2-D weights quantized,
/// patch and position embeddings F16, vectors F32), encoded beside the F32 original.
@Suite(.requires(.sharedFixtures))
struct VisionTowerTypeTests {
    static let mmproj = Fixtures.path("tiny-llava/tiny-mmproj-f32.gguf")

    /// The fixture with its matrices as `type`; returns the file's path.
    static func rewrite(as type: GGMLType) throws -> String {
        let source = try GGUFFile(path: mmproj)
        var tensors: [GGUFWriter.Tensor] = [], data: [[UInt8]] = []
        for info in source.tensors {
            let values = [Float](unsafeUninitializedCapacity: info.elementCount) { buffer, count in
                Dequantize.values(info.type, from: source.data(info), count: info.elementCount, into: buffer.baseAddress!)
                count = info.elementCount
            }
            let matrix = info.shape.count == 2 && info.name.hasSuffix("weight") && !info.name.contains(".position_embd")
            let newType: GGMLType = info.shape.count == 1 ? .f32 : matrix ? type : .f16
            tensors.append(GGUFWriter.Tensor(name: info.name, shape: info.shape, type: newType))
            data.append(encode(values, as: newType))
        }
        var writer = GGUFWriter(metadata: source.metadata.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, tensors: tensors)
        writer.alignment = 32
        var (bytes, dataStart) = writer.bytes()
        var offset = 0
        for block in data {
            bytes.replaceSubrange(dataStart + offset..<dataStart + offset + block.count, with: block)
            offset = (offset + block.count + 31) / 32 * 32
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loom-vision-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("tiny-mmproj-\(type).gguf")
        try Data(bytes).write(to: url)
        return url.path
    }

    static func encode(_ values: [Float], as type: GGMLType) -> [UInt8] {
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
        switch type {
        case .f32: return values.flatMap { le($0.bitPattern) }
        case .f16: return values.flatMap { le(Half.bits($0)) }
        case .q8_0:
            return QuantTestSupport.q8Blocks(values[...]).flatMap { le(Half.bits($0.d)) + $0.q.map { UInt8(bitPattern: $0) } }
        default: preconditionFailure("no encoder for \(type)")
        }
    }

    static func images(_ config: VisionConfig, count: Int) -> [[Float]] {
        var random = RandomSource(seed: 7)
        return (0..<count).map { _ in (0..<config.pixelCount).map { _ in random.unit() * 4 - 2 } }
    }

    static func relativeRMS(_ a: [Float], _ b: [Float]) -> Double {
        var diff = 0.0, norm = 0.0
        for (x, y) in zip(a, b) {
            diff += Double(x - y) * Double(x - y)
            norm += Double(y) * Double(y)
        }
        return (diff / norm).squareRoot()
    }

    /// Measured on this tower's three random images: F16 6.3e-4–6.7e-4, Q8_0 1.5e-2–1.6e-2 relative RMS.
    /// F16's is the weights' rounding to 11 bits; Q8_0's adds each product's activations rounded to 8 bits
    /// (as llama.cpp does), through two blocks and the projector of a 32-wide tower. Bounds: about 2.5×.
    @Test(arguments: [(GGMLType.f16, 1.5e-3), (.q8_0, 4e-2)])
    func encodesCloseToTheF32Tower(type: GGMLType, tolerance: Double) throws {
        let path = try Self.rewrite(as: type)
        for gemm in VisionGEMM.allCases where gemm.isAvailable {
            try expectClose(path: path, type: type, tolerance: tolerance, gemm: gemm)
        }
    }

    /// F16 without AVX-512 (`.openBLAS`) reads the file in place through the float path.
    func expectClose(path: String, type: GGMLType, tolerance: Double, gemm: VisionGEMM) throws {
        let pool = ComputePool(threads: 2)
        let original = try VisionEncoder(path: Self.mmproj, pool: pool, maxBatch: 3, gemm: gemm)
        let rewritten = try VisionEncoder(path: path, pool: pool, maxBatch: 3, gemm: gemm)
        let images = Self.images(original.config, count: 3)
        let expected = try original.encode(images), got = try rewritten.encode(images)
        for (e, g) in zip(expected, got) {
            let error = Self.relativeRMS(g, e)
            print("\(type) tower, \(gemm): relative RMS difference \(error)")
            #expect(error < tolerance, "\(type), \(gemm): relative RMS difference \(error)")
        }
        // The matrices stay in their type: as many bytes in memory as in the file (the last block is not run).
        let file = try GGUFFile(path: path)
        let weights = rewritten.weights
        let matrixBytes = file.tensors
            .filter { $0.shape.count > 1 && $0.name != ClipTensor.positionEmbedding && !$0.name.hasPrefix("v.blk.\(original.config.layersRun).") }
            .reduce(0) { $0 + $1.byteCount }
        #expect(weights.weightBytes == matrixBytes, "\(weights.weightBytes) bytes in memory, \(matrixBytes) in the file")
        #expect(weights.layers[0].ffn1.weightType == "\(type)".lowercased() && weights.projector2.weightType == "\(type)".lowercased())
        #expect(weights.patchEmbedding.weightType == "f16")
        if type == .f16 { #expect(original.weights.weightBytes == 2 * weights.weightBytes) }
    }
}
