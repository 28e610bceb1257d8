import Engine
import Foundation
import TestSupport

/// Reference data and random matrices for the kernel tests.
enum QuantTestSupport {
    /// Tests/EngineTests/Data/quant, found from this file's path.
    static let dataDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Data/quant")

    /// The reference file of `type` (made by scripts/make-quant-testdata.py): raw blocks and gguf-py's
    /// dequantization of them.
    static func reference(_ type: GGMLType) throws -> (rows: Int, cols: Int, blocks: [UInt8], values: [Float]) {
        let data = try Data(contentsOf: dataDirectory.appendingPathComponent("\(type).bin"))
        let bytes = [UInt8](data)
        func u32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        let rows = u32(0), cols = u32(4)
        let blockBytes = rows * (type.rowBytes(cols) ?? 0)
        let values = stride(from: 8 + blockBytes, to: bytes.count, by: 4).map { Float(bitPattern: UInt32(u32($0))) }
        return (rows, cols, Array(bytes[8..<8 + blockBytes]), values)
    }

    /// Byte offsets of the f16 scale fields in one block of each quantized type.
    static func scaleFields(_ type: GGMLType) -> [Int] {
        switch type {
        case .q4_0, .q5_0, .q8_0: [0]
        case .q4_1, .q5_1, .q4_K, .q5_K: [0, 2]
        case .q6_K: [208]
        default: []
        }
    }

    /// Random weights of `type`: random bytes with small valid f16 scales, or random normal floats.
    static func randomMatrix(_ type: GGMLType, rows: Int, cols: Int, seed: UInt64) -> WeightMatrix {
        var rng = SplitMix64(seed: seed)
        let rowBytes = type.rowBytes(cols)!
        var bytes: [UInt8]
        switch type {
        case .f32:
            bytes = (0..<rows * cols).flatMap { _ in withUnsafeBytes(of: rng.normal().bitPattern.littleEndian, Array.init) }
        case .f16:
            bytes = (0..<rows * cols).flatMap { _ in withUnsafeBytes(of: Half.bits(rng.normal()).littleEndian, Array.init) }
        case .bf16:
            bytes = (0..<rows * cols).flatMap { _ in withUnsafeBytes(of: UInt16(rng.normal().bitPattern >> 16).littleEndian, Array.init) }
        default:
            bytes = (0..<rows * rowBytes).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            for block in stride(from: 0, to: bytes.count, by: type.blockBytes) {
                for field in scaleFields(type) {
                    let bits = Half.bits(rng.normal() * 0.02)
                    bytes[block + field] = UInt8(bits & 0xff)
                    bytes[block + field + 1] = UInt8(bits >> 8)
                }
            }
        }
        return WeightMatrix(type: type, rows: rows, cols: cols, bytes: bytes)
    }

    /// Random normal activations; with `outlier`, one column 20 times larger, as real hidden states have.
    static func randomActivations(batch: Int, cols: Int, seed: UInt64, outlier: Bool = false) -> [Float] {
        var rng = SplitMix64(seed: seed)
        var x = (0..<batch * cols).map { _ in rng.normal() }
        if outlier { for b in 0..<batch { x[b * cols + 5 % cols] *= 20 } }
        return x
    }

    /// One activation row as the integer kernels see it, following ggml's quantize_row_q8_0 / q8_1
    /// (AVX path) / q8_K, written here from ggml's definitions: each value q·d, and per 32-block the
    /// part of ggml's stored sum s = f16(d·Σq) that f16(d)·Σq misses (Q8_1 only; else zero).
    static func quantizedActivations(_ type: GGMLType, _ x: ArraySlice<Float>) -> (values: [Double], sumError: [Double]) {
        let x = Array(x)
        var values = [Double](repeating: 0, count: x.count)
        var sumError = [Double](repeating: 0, count: x.count / 32)
        if type.blockSize == 256 {
            for s in stride(from: 0, to: x.count, by: 256) {
                let block = x[s..<s + 256]
                let amax = block.map { abs($0) }.max()!
                guard amax > 0 else { continue }
                let max = block.first { abs($0) == amax }!
                let iscale = -127 / max, d = 1 / iscale
                for k in block.indices { values[k] = Double(min(127, (iscale * x[k]).rounded(.toNearestOrEven)) * d) }
            }
        } else {
            for (i, block) in q8Blocks(x[...]).enumerated() {
                for (j, v) in block.q.enumerated() { values[32 * i + j] = Double(Float(v) * block.d) }
                let sum = block.q.reduce(0) { $0 + Double($1) }
                if type == .q4_1 || type == .q5_1 { sumError[i] = Double(block.s) - Double(block.d) * sum }
            }
        }
        return (values, sumError)
    }

    /// One 32-value block of ggml's Q8_0 / Q8_1 activations: the 8-bit values, d and (Q8_1) s = d·Σq,
    /// both rounded to f16 and read back as floats.
    struct Q8Block {
        var q: [Int8]
        var d: Float
        var s: Float
    }

    /// ggml's quantize_row_q8_0 / q8_1 (AVX path): q = round-to-even(x · 127/amax), d = amax/127.
    static func q8Blocks(_ x: ArraySlice<Float>) -> [Q8Block] {
        stride(from: x.startIndex, to: x.endIndex, by: 32).map { s in
            let block = x[s..<s + 32]
            let amax = block.map { abs($0) }.max()!
            let d = amax / 127, id: Float = amax != 0 ? 127 / amax : 0
            let q = block.map { ($0 * id).rounded(.toNearestOrEven) }
            return Q8Block(q: q.map { Int8($0) }, d: Float(Float16(d)), s: Float(Float16(d * q.reduce(0, +))))
        }
    }

    /// y = x · Wᵀ with x quantized as the kernels quantize it (`quantizedActivations`), in double
    /// precision: what the integer kernels compute, up to float rounding.
    static func emulatedProduct(_ w: WeightMatrix, _ x: [Float], batch: Int) -> [Float] {
        let activations = (0..<batch).map { quantizedActivations(w.type, x[$0 * w.cols..<($0 + 1) * w.cols]) }
        var row = [Float](repeating: 0, count: w.cols)
        var y = [Float](repeating: 0, count: batch * w.rows)
        for r in 0..<w.rows {
            row.withUnsafeMutableBufferPointer { w.dequantizeRow(r, into: $0.baseAddress!) }
            // The block's min m (Q4_1, Q5_1) meets ggml's s in place of d·Σq.
            let mins = w.type == .q4_1 || w.type == .q5_1
                ? (0..<w.cols / 32).map { Double(Half.float(w.row(r).loadUnaligned(fromByteOffset: $0 * w.type.blockBytes + 2, as: UInt16.self))) }
                : []
            for b in 0..<batch {
                var sum = 0.0
                for k in 0..<w.cols { sum += Double(row[k]) * activations[b].values[k] }
                for (block, m) in mins.enumerated() { sum += m * activations[b].sumError[block] }
                y[b * w.rows + r] = Float(sum)
            }
        }
        return y
    }

    /// y = x · Wᵀ in double precision over the dequantized weights, and per batch row the size of
    /// its terms, √(Σ_r Σ_k (W[r][k]·x[k])²): what rounding errors in x scale with, unlike ‖y‖,
    /// which cancellation can make small.
    static func reference(_ w: WeightMatrix, _ x: [Float], batch: Int) -> (y: [Float], scale: [Double]) {
        var row = [Float](repeating: 0, count: w.cols)
        var y = [Float](repeating: 0, count: batch * w.rows)
        var squares = [Double](repeating: 0, count: batch)
        for r in 0..<w.rows {
            row.withUnsafeMutableBufferPointer { w.dequantizeRow(r, into: $0.baseAddress!) }
            for b in 0..<batch {
                var sum = 0.0
                for k in 0..<w.cols {
                    let term = Double(row[k]) * Double(x[b * w.cols + k])
                    sum += term
                    squares[b] += term * term
                }
                y[b * w.rows + r] = Float(sum)
            }
        }
        return (y, squares.map { $0.squareRoot() })
    }

    /// ‖a − b‖ over row `row` of two (batch, n) matrices, divided by `scale` (default ‖b‖).
    static func relativeError(_ a: [Float], _ b: [Float], row: Int, n: Int, scale: Double? = nil) -> Double {
        var diff = 0.0, norm = 0.0
        for i in row * n..<(row + 1) * n {
            diff += Double(a[i] - b[i]) * Double(a[i] - b[i])
            norm += Double(b[i]) * Double(b[i])
        }
        return diff.squareRoot() / max(scale ?? norm.squareRoot(), .leastNormalMagnitude)
    }
}

