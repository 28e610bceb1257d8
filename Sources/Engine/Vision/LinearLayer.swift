import CKernels
import COpenBLAS
#if canImport(Glibc)
import Glibc
#endif

/// y = act(x·Wᵀ + b [+ y]) for one weight matrix W (outputs × inputs), held as its type is best read:
///
/// - F32: a copy packed into panels for the AVX-512 SGEMM (row-major for OpenBLAS), as before;
/// - F16 and BF16 (AVX-512): a copy packed into 16-bit panels, the SGEMM widening a slice at a time;
/// - quantized (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, K-quants), and F16/BF16 without AVX-512: where it lies in
///   the mapped file, through the decoder's `MatmulContext` (integer or float path), then the same epilogue.
///
/// W may be given as several matrices stacked along the outputs (Q, K and V): one product makes all.
/// Every path gives a row of y the same bits whatever `rows` it is computed in and whatever other rows
/// are present, so callers may apply a layer to any slice of rows.
final class LinearLayer {
    let inputs: Int
    let outputs: Int
    let gemm: VisionGEMM

    private enum Storage {
        /// Panels of floats (AVX-512 SGEMM).
        case packed(AlignedFloats)
        /// (outputs, inputs) row-major floats (OpenBLAS).
        case rowMajor(AlignedFloats)
        /// Panels of 16-bit values, `loom_gemm_packed_count` of them in floats' room.
        case packedHalves(AlignedFloats, loom_gemm_type)
        /// The file's matrices, stacked along the outputs.
        case file([WeightMatrix], VisionMatmul)
    }

    private let storage: Storage
    private let bias: AlignedFloats?
    /// The first `scaledOutputs` outputs are multiplied by `outputScale` (attention's 1/√headDim on the
    /// queries): folded into F32 weights and bias, else applied to the result.
    private let scaledOutputs: Int
    private let outputScale: Float

    /// `rowMajor` is W as ggml stores it: `outputs` rows of `inputs` values.
    convenience init(rowMajor: [Float], outputs: Int, inputs: Int, bias: [Float]?, gemm: VisionGEMM) {
        precondition(rowMajor.count == outputs * inputs && (bias?.count ?? outputs) == outputs)
        let bytes = rowMajor.withUnsafeBytes { [UInt8]($0) }
        self.init(parts: [WeightMatrix(type: .f32, rows: outputs, cols: inputs, bytes: bytes)], bias: bias, gemm: gemm,
                  matmul: VisionMatmul(), fromFile: false)
    }

    /// `parts` are W's rows in order (same `cols`); `bias` has one value per output, unscaled. Parts
    /// `fromFile` (views of a mapped file) that are copied have their pages given back.
    init(parts: [WeightMatrix], bias: [Float]?, scaledOutputs: Int = 0, outputScale: Float = 1, gemm: VisionGEMM,
         matmul: VisionMatmul, fromFile: Bool = true) {
        let inputs = parts[0].cols, outputs = parts.reduce(0) { $0 + $1.rows }
        precondition(parts.allSatisfy { $0.cols == inputs } && (bias?.count ?? outputs) == outputs && scaledOutputs <= outputs)
        self.inputs = inputs
        self.outputs = outputs
        self.gemm = gemm
        self.scaledOutputs = scaledOutputs
        self.outputScale = outputScale
        let types = Set(parts.map(\.type))
        if types == [.f32] {
            // As before: widened values, the scale folded into the weights and the bias.
            var w = [Float](repeating: 0, count: outputs * inputs)
            w.withUnsafeMutableBufferPointer { w in
                var row = 0
                for part in parts {
                    Dequantize.values(.f32, from: part.data, count: part.rows * inputs, into: w.baseAddress! + row * inputs)
                    row += part.rows
                }
                for i in 0..<scaledOutputs * inputs { w[i] *= outputScale }
            }
            var b = bias
            for i in 0..<scaledOutputs { b?[i] *= outputScale }
            self.bias = b.map(AlignedFloats.init)
            switch gemm {
            case .avx512:
                let packed = AlignedFloats(count: loom_gemm_packed_count(Int32(outputs), Int32(inputs)))
                w.withUnsafeBufferPointer {
                    loom_gemm_pack_nt($0.baseAddress!, Int32(inputs), Int32(outputs), Int32(inputs), packed.base)
                }
                storage = .packed(packed)
            case .openBLAS:
                storage = .rowMajor(AlignedFloats(w))
            }
            if fromFile { parts.forEach(Self.releasePages) }
            return
        }
        self.bias = bias.map(AlignedFloats.init)
        if gemm == .avx512, types == [.f16] || types == [.bf16] {
            let count = loom_gemm_packed_count(Int32(outputs), Int32(inputs))
            let panels = AlignedFloats(count: (count + 1) / 2)
            let halves = UnsafeMutableRawPointer(panels.base).bindMemory(to: UInt16.self, capacity: count)
            // Several parts (Q, K and V) are gathered into one matrix first: a panel may span two.
            if parts.count == 1 {
                loom_gemm_pack_nt_halves(parts[0].data.assumingMemoryBound(to: UInt16.self), Int32(inputs), Int32(outputs),
                                         Int32(inputs), halves)
            } else {
                let rows = UnsafeMutablePointer<UInt16>.allocate(capacity: outputs * inputs)
                defer { rows.deallocate() }
                var offset = 0
                for part in parts {
                    UnsafeMutableRawPointer(rows + offset * inputs).copyMemory(from: part.data, byteCount: part.rows * part.rowBytes)
                    offset += part.rows
                }
                loom_gemm_pack_nt_halves(rows, Int32(inputs), Int32(outputs), Int32(inputs), halves)
            }
            storage = .packedHalves(panels, types == [.f16] ? LOOM_GEMM_F16 : LOOM_GEMM_BF16)
            if fromFile { parts.forEach(Self.releasePages) }
        } else {
            storage = .file(parts, matmul)
            matmul.reserve(inputs: inputs, outputs: outputs)
        }
    }

    /// Bytes the weights take in memory (in the file, for those used where they lie).
    var weightBytes: Int {
        switch storage {
        case .packed(let w), .rowMajor(let w): w.count * 4
        case .packedHalves(let w, _): w.count * 4
        case .file(let parts, _): parts.reduce(0) { $0 + $1.rows * $1.rowBytes }
        }
    }

    /// How the weights are held, for reports and tests: "f32", "f16", "bf16", or the file's types ("q8_0").
    var weightType: String {
        switch storage {
        case .packed, .rowMajor: "f32"
        case .packedHalves(_, let type): type == LOOM_GEMM_F16 ? "f16" : "bf16"
        case .file(let parts, _): Set(parts.map { "\($0.type)".lowercased() }).sorted().joined(separator: "+")
        }
    }

    /// Applies the layer to `rows` rows of `x` (each `inputs` wide), writing (or, with `accumulate`,
    /// adding to) `rows` rows of `y`. The hot spot: every linear layer of the tower, over all images at once.
    /// The GEMMs split W's rows (y's columns) over the pool, so each thread reads its share of the weights.
    func apply(_ x: MatrixView, rows: Int, into y: MatrixView, accumulate: Bool = false,
               activation: loom_activation = LOOM_ACT_NONE, pool: ComputePool) {
        precondition(rows >= 0 && (scaledOutputs == 0 || (!accumulate && activation == LOOM_ACT_NONE)))
        guard rows > 0 else { return }
        let bias = bias.map { UnsafePointer($0.base) }
        switch storage {
        case .packed(let w):
            sgemm(x, rows: rows, weights: UnsafeRawPointer(w.base), type: LOOM_GEMM_F32, into: y, bias: bias,
                  accumulate: accumulate, activation: activation, pool: pool)
        case .packedHalves(let w, let type):
            sgemm(x, rows: rows, weights: UnsafeRawPointer(w.base), type: type, into: y, bias: bias,
                  accumulate: accumulate, activation: activation, pool: pool)
            scaleLeadingOutputs(y, rows: rows, pool: pool)
        case .rowMajor(let w):
            pool.forEachShare(of: outputs) { columns in
                let n = Int32(columns.count), first = columns.lowerBound
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), n, Int32(inputs), 1, x.base, Int32(x.stride),
                            w.base + first * inputs, Int32(inputs), accumulate ? 1 : 0, y.base + first, Int32(y.stride))
                loom_bias_activation_rows(y.base + first, Int32(y.stride), Int32(rows), n, bias.map { $0 + first }, activation)
            }
        case .file(let parts, let matmul):
            let context = matmul.context(pool: pool)
            let chunk = context.maxBatch
            for start in stride(from: 0, to: rows, by: chunk) {
                let n = min(chunk, rows - start)
                let xs = x.offset(row: start), ys = y.offset(row: start)
                // The product goes to y, or beside it when y is to be added to.
                let product = accumulate ? MatrixView(base: matmul.product.base, stride: outputs) : ys
                var column = 0
                let targets = parts.map { w in
                    defer { column += w.rows }
                    return MatmulTarget(w, into: product.base + column, ldy: product.stride)
                }
                context.multiply(xs.base, batch: n, ldx: x.stride, into: targets)
                if accumulate || bias != nil || activation != LOOM_ACT_NONE {
                    pool.forEachShare(of: n) { share in
                        loom_gemm_epilogue_rows(ys.offset(row: share.lowerBound).base, Int32(ys.stride),
                                                product.offset(row: share.lowerBound).base, Int32(product.stride),
                                                Int32(share.count), Int32(outputs), bias, accumulate ? 1 : 0, activation)
                    }
                }
                scaleLeadingOutputs(ys, rows: n, pool: pool)
            }
        }
    }

    private func sgemm(_ x: MatrixView, rows: Int, weights: UnsafeRawPointer, type: loom_gemm_type, into y: MatrixView,
                       bias: UnsafePointer<Float>?, accumulate: Bool, activation: loom_activation, pool: ComputePool) {
        let args = loom_gemm_args(
            m: Int32(rows), n: Int32(outputs), k: Int32(inputs), a: x.base, lda: Int32(x.stride),
            packed_b: weights, c: y.base, ldc: Int32(y.stride), bias: bias,
            accumulate: accumulate ? 1 : 0, activation: activation)
        let parts = pool.threadCount
        withUnsafePointer(to: args) { args in
            pool.parallelFor(parts) { part in loom_gemm_typed(args, type, Int32(part), Int32(parts)) }
        }
    }

    /// y[r, 0..<scaledOutputs] *= outputScale, for weights that could not take the scale.
    private func scaleLeadingOutputs(_ y: MatrixView, rows: Int, pool: ComputePool) {
        guard scaledOutputs > 0 else { return }
        let n = Int32(scaledOutputs), scale = outputScale
        pool.forEachShare(of: rows) { share in
            for r in share { cblas_sscal(n, scale, y.offset(row: r).base, 1) }
        }
    }

    /// The file's pages of a matrix that was copied: given back (a read-only mapping refaults them if
    /// read again), so a worker holds the copy, not both.
    private static func releasePages(_ w: WeightMatrix) {
        #if canImport(Glibc)
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (Int(bitPattern: w.data) + page - 1) / page * page
        let end = (Int(bitPattern: w.data) + w.rows * w.rowBytes) / page * page
        if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_DONTNEED) }
        #endif
    }
}
