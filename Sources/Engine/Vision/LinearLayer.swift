import CKernels
import COpenBLAS

/// y = act(x·Wᵀ + b [+ y]) for one weight matrix W (outputs × inputs), held as the GEMM reads it.
final class LinearLayer {
    let inputs: Int
    let outputs: Int
    let gemm: VisionGEMM
    /// Packed panels (AVX-512) or (outputs, inputs) row-major (OpenBLAS).
    private let weights: AlignedFloats
    private let bias: AlignedFloats?

    /// `rowMajor` is W as ggml stores it: `outputs` rows of `inputs` values.
    init(rowMajor: [Float], outputs: Int, inputs: Int, bias: [Float]?, gemm: VisionGEMM) {
        precondition(rowMajor.count == outputs * inputs && (bias?.count ?? outputs) == outputs)
        self.inputs = inputs
        self.outputs = outputs
        self.gemm = gemm
        self.bias = bias.map(AlignedFloats.init)
        switch gemm {
        case .avx512:
            weights = AlignedFloats(count: loom_gemm_packed_count(Int32(outputs), Int32(inputs)))
            rowMajor.withUnsafeBufferPointer {
                loom_gemm_pack_nt($0.baseAddress!, Int32(inputs), Int32(outputs), Int32(inputs), weights.base)
            }
        case .openBLAS:
            weights = AlignedFloats(rowMajor)
        }
    }

    /// Applies the layer to `rows` rows of `x` (each `inputs` wide), writing (or, with `accumulate`,
    /// adding to) `rows` rows of `y`. The hot spot: every linear layer of the tower, over all images at once.
    /// Either GEMM splits W's rows (y's columns) over the pool, so each thread reads its share of the weights.
    func apply(_ x: MatrixView, rows: Int, into y: MatrixView, accumulate: Bool = false,
               activation: loom_activation = LOOM_ACT_NONE, pool: ComputePool) {
        let bias = bias.map { UnsafePointer($0.base) }
        switch gemm {
        case .avx512:
            let args = loom_gemm_args(
                m: Int32(rows), n: Int32(outputs), k: Int32(inputs), a: x.base, lda: Int32(x.stride),
                packed_b: weights.base, c: y.base, ldc: Int32(y.stride), bias: bias,
                accumulate: accumulate ? 1 : 0, activation: activation)
            let parts = pool.threadCount
            withUnsafePointer(to: args) { args in
                pool.parallelFor(parts) { part in loom_gemm(args, Int32(part), Int32(parts)) }
            }
        case .openBLAS:
            pool.forEachShare(of: outputs) { columns in
                let n = Int32(columns.count), first = columns.lowerBound
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), n, Int32(inputs), 1, x.base, Int32(x.stride),
                            weights.base + first * inputs, Int32(inputs), accumulate ? 1 : 0, y.base + first, Int32(y.stride))
                loom_bias_activation_rows(y.base + first, Int32(y.stride), Int32(rows), n, bias.map { $0 + first }, activation)
            }
        }
    }
}
