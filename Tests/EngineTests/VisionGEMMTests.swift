import CKernels
import Foundation
import Testing
@testable import Engine

/// The AVX-512 SGEMM and the row operations against plain double-precision loops.
struct VisionGEMMTests {
    static func randomFloats(_ n: Int, seed: UInt64) -> [Float] {
        var random = RandomSource(seed: seed)
        return (0..<n).map { _ in random.unit() * 2 - 1 }
    }

    static func relativeError(_ a: [Float], _ b: [Double]) -> Double {
        var diff = 0.0, norm = 0.0
        for (x, y) in zip(a, b) {
            diff += (Double(x) - y) * (Double(x) - y)
            norm += y * y
        }
        return norm == 0 ? diff.squareRoot() : (diff / norm).squareRoot()
    }

    /// A product C (m, n) = A (m, k) · Bᵀ with B (n, k), row strides padded, run in `parts` parts.
    struct Product {
        let m, n, k: Int
        let a: [Float]       // (m, lda)
        let b: [Float]       // (n, k)
        let lda: Int
        let ldc: Int

        init(m: Int, n: Int, k: Int, seed: UInt64 = 1) {
            self.m = m
            self.n = n
            self.k = k
            lda = k + 3
            ldc = n + 5
            a = VisionGEMMTests.randomFloats(m * lda, seed: seed)
            b = VisionGEMMTests.randomFloats(n * k, seed: seed + 1)
        }

        func packed() -> AlignedFloats {
            let p = AlignedFloats(count: loom_gemm_packed_count(Int32(n), Int32(k)))
            loom_gemm_pack_nt(b, Int32(k), Int32(n), Int32(k), p.base)
            return p
        }

        /// Runs loom_gemm over `initial` C (ldc stride) and returns C.
        func run(parts: Int, initial: [Float]? = nil, bias: [Float]? = nil, accumulate: Bool = false,
                 activation: loom_activation = LOOM_ACT_NONE, packed: AlignedFloats? = nil) -> [Float] {
            let packed = packed ?? self.packed()
            var c = initial ?? [Float](repeating: .nan, count: m * ldc)
            a.withUnsafeBufferPointer { a in
                c.withUnsafeMutableBufferPointer { c in
                    let biasBuffer = bias.map(AlignedFloats.init)
                    var args = loom_gemm_args(
                        m: Int32(m), n: Int32(n), k: Int32(k), a: a.baseAddress, lda: Int32(lda), packed_b: packed.base,
                        c: c.baseAddress, ldc: Int32(ldc), bias: biasBuffer.map { UnsafePointer($0.base) },
                        accumulate: accumulate ? 1 : 0, activation: activation)
                    for part in 0..<parts { loom_gemm(&args, Int32(part), Int32(parts)) }
                }
            }
            return c
        }

        /// Σ_k A[i, k]·B[j, k] in double precision.
        func reference(_ i: Int, _ j: Int) -> Double {
            var sum = 0.0
            for p in 0..<k { sum += Double(a[i * lda + p]) * Double(b[j * k + p]) }
            return sum
        }

        /// The m × n entries of a C laid out with stride ldc.
        func entries(_ c: [Float], rows: [Int]? = nil) -> [Float] {
            (rows ?? Array(0..<m)).flatMap { i in c[i * ldc..<i * ldc + n] }
        }
    }

    static let available = loom_gemm_available() != 0

    @Test(.enabled(if: available), arguments: [(1, 1, 1), (17, 33, 65), (14, 32, 16), (3, 100, 7), (40, 20, 30), (29, 64, 800), (197, 197, 64)])
    func matchesNaiveLoop(shape: (Int, Int, Int)) {
        let p = Product(m: shape.0, n: shape.1, k: shape.2)
        let c = p.run(parts: 1)
        let reference = (0..<p.m).flatMap { i in (0..<p.n).map { p.reference(i, $0) } }
        let error = Self.relativeError(p.entries(c), reference)
        #expect(error <= 1e-5, "\(shape): relative error \(error)")
        // Columns past n in each row of C are left alone.
        #expect((0..<p.m).allSatisfy { i in c[i * p.ldc + p.n..<(i + 1) * p.ldc].allSatisfy(\.isNaN) })
        // Any split into parts computes the same bits (panels, or rows when panels are too few).
        for parts in [2, 3] {
            let split = p.entries(p.run(parts: parts))
            #expect(split.elementsEqual(p.entries(c)), "\(shape) in \(parts) parts")
        }
    }

    @Test(.enabled(if: available))
    func deepProductInSlices() {
        // k = 3072 runs in four slices of the micro-kernel; check a few whole rows, each tile shape among them.
        let p = Product(m: 197, n: 768, k: 3072)
        let c = p.run(parts: 2)
        let rows = [0, 13, 14, 100, 183, 190, 196]
        let reference = rows.flatMap { i in (0..<p.n).map { p.reference(i, $0) } }
        let error = Self.relativeError(p.entries(c, rows: rows), reference)
        #expect(error <= 1e-5, "relative error \(error)")
    }

    @Test(.enabled(if: available))
    func fusedBiasAndResidual() {
        let p = Product(m: 20, n: 40, k: 1700)
        let initial = Self.randomFloats(p.m * p.ldc, seed: 9), bias = Self.randomFloats(p.n, seed: 10)
        let c = p.run(parts: 2, initial: initial, bias: bias, accumulate: true)
        let reference = (0..<p.m).flatMap { i in
            (0..<p.n).map { j in p.reference(i, j) + Double(initial[i * p.ldc + j]) + Double(bias[j]) }
        }
        #expect(Self.relativeError(p.entries(c), reference) <= 1e-5)
    }

    /// ggml's half-precision GELUs: the input rounded to f16, the result rounded to f16.
    static func ggmlActivation(_ x: Float, _ activation: loom_activation) -> Float {
        let h = Float(Float16(x))
        switch activation {
        case LOOM_ACT_GELU:
            if x <= -10 { return 0 }
            if x >= 10 { return x }
            return Float(Float16(0.5 * h * (1 + tanhf(0.7978845608 * h * (1 + 0.044715 * h * h)))))
        case LOOM_ACT_GELU_QUICK:
            return Float(Float16(h * (1 / (1 + expf(-1.702 * h)))))
        default:
            return x
        }
    }

    @Test(.enabled(if: available), arguments: [LOOM_ACT_GELU, LOOM_ACT_GELU_QUICK])
    func fusedActivationIsGgmls(activation: loom_activation) throws {
        // Inputs scaled so the sums reach past ±10, where GELU switches to its exact tails.
        let p = Product(m: 17, n: 33, k: 400, seed: 3)
        let bias = Self.randomFloats(p.n, seed: 4).map { $0 * 8 }
        let plain = p.entries(p.run(parts: 1, bias: bias))
        #expect(plain.contains { $0 > 10 } && plain.contains { $0 < -10 })
        let activated = p.entries(p.run(parts: 2, bias: bias, activation: activation))
        for (x, y) in zip(plain, activated) {
            let expected = Self.ggmlActivation(x, activation)
            #expect(abs(y - expected) <= 1e-6 * max(1, abs(expected)), "\(activation) of \(x): \(y), expected \(expected)")
        }
        // The row epilogue used after cblas_sgemm gives the same bits as the fused one.
        var rows = p.run(parts: 1)
        rows.withUnsafeMutableBufferPointer {
            loom_bias_activation_rows($0.baseAddress, Int32(p.ldc), Int32(p.m), Int32(p.n), bias, activation)
        }
        #expect(p.entries(rows).elementsEqual(activated))
    }

    @Test(.enabled(if: available))
    func packsRowMajorRightHandSides() {
        // C = A·B with B given as (k, n): the attention's scores·V.
        let (m, n, k, ldb) = (23, 45, 37, 50)
        let a = Self.randomFloats(m * k, seed: 5), b = Self.randomFloats(k * ldb, seed: 6)
        let packed = AlignedFloats(count: loom_gemm_packed_count(Int32(n), Int32(k)))
        loom_gemm_pack_nn(b, Int32(ldb), Int32(k), Int32(n), packed.base)
        var c = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { a in
            c.withUnsafeMutableBufferPointer { c in
                var args = loom_gemm_args(m: Int32(m), n: Int32(n), k: Int32(k), a: a.baseAddress, lda: Int32(k),
                                          packed_b: packed.base, c: c.baseAddress, ldc: Int32(n), bias: nil,
                                          accumulate: 0, activation: LOOM_ACT_NONE)
                loom_gemm(&args, 0, 1)
            }
        }
        let reference = (0..<m).flatMap { i in
            (0..<n).map { j in (0..<k).reduce(0.0) { $0 + Double(a[i * k + $1]) * Double(b[$1 * ldb + j]) } }
        }
        #expect(Self.relativeError(c, reference) <= 1e-5)
    }

    @Test func softmaxRows() {
        let (rows, n, ld) = (5, 197, 210)
        var x = Self.randomFloats(rows * ld, seed: 7).map { $0 * 20 }
        let input = x
        loom_softmax_rows(&x, Int32(ld), Int32(rows), Int32(n))
        for r in 0..<rows {
            let row = input[r * ld..<r * ld + n].map(Double.init)
            let max = row.max()!, sum = row.reduce(0) { $0 + exp($1 - max) }
            let reference = row.map { exp($0 - max) / sum }
            #expect(Self.relativeError(Array(x[r * ld..<r * ld + n]), reference) <= 1e-6)
            #expect(x[r * ld + n..<(r + 1) * ld] == input[r * ld + n..<(r + 1) * ld], "past n untouched")
        }
    }

    @Test func layerNormRows() {
        let (rows, n, ld) = (4, 77, 80)
        let x = Self.randomFloats(rows * ld, seed: 8).map { $0 * 3 + 1 }
        let w = Self.randomFloats(n, seed: 9), b = Self.randomFloats(n, seed: 10)
        var out = [Float](repeating: 0, count: rows * ld)
        loom_layer_norm_rows(x, Int32(ld), &out, Int32(ld), Int32(rows), Int32(n), w, b, 1e-5)
        for r in 0..<rows {
            let row = x[r * ld..<r * ld + n].map(Double.init)
            let mean = row.reduce(0, +) / Double(n)
            let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
            let reference = row.enumerated().map { ($1 - mean) / (variance + 1e-5).squareRoot() * Double(w[$0]) + Double(b[$0]) }
            #expect(Self.relativeError(Array(out[r * ld..<r * ld + n]), reference) <= 1e-6)
        }
    }
}
