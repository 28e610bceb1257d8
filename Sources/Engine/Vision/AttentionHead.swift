import CKernels
import COpenBLAS

/// out = softmax(Q·Kᵀ)·V for one head of one image. Q (already scaled by 1/√headDim), K and V are
/// (positions, headDim) views into the rows of the qkv buffer; `out` is the head's columns of the
/// attention buffer. No mask: every patch sees every other.
func attendHead(q: MatrixView, k: MatrixView, v: MatrixView, out: MatrixView, positions: Int, headDim: Int,
                scratch: VisionRunState.HeadScratch, gemm: VisionGEMM) {
    let t = Int32(positions), d = Int32(headDim)
    let scores = scratch.scores.view
    switch gemm {
    case .avx512:
        loom_gemm_pack_nt(k.base, Int32(k.stride), t, d, scratch.packedKeys.base)
        var product = loom_gemm_args(
            m: t, n: t, k: d, a: q.base, lda: Int32(q.stride), packed_b: scratch.packedKeys.base,
            c: scores.base, ldc: Int32(scores.stride), bias: nil, accumulate: 0, activation: LOOM_ACT_NONE)
        loom_gemm(&product, 0, 1)
        loom_softmax_rows(scores.base, Int32(scores.stride), t, t)
        loom_gemm_pack_nn(v.base, Int32(v.stride), t, d, scratch.packedValues.base)
        product = loom_gemm_args(
            m: t, n: d, k: t, a: scores.base, lda: Int32(scores.stride), packed_b: scratch.packedValues.base,
            c: out.base, ldc: Int32(out.stride), bias: nil, accumulate: 0, activation: LOOM_ACT_NONE)
        loom_gemm(&product, 0, 1)
    case .openBLAS:
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, t, t, d, 1, q.base, Int32(q.stride), k.base, Int32(k.stride),
                    0, scores.base, Int32(scores.stride))
        loom_softmax_rows(scores.base, Int32(scores.stride), t, t)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, t, d, t, 1, scores.base, Int32(scores.stride),
                    v.base, Int32(v.stride), 0, out.base, Int32(out.stride))
    }
}
