/// How `MatmulContext` computes a product.
public enum MatmulPath: Sendable, Hashable {
    /// Quantized weights: `.int8`; F32, F16 and BF16 weights: `.float`. Both give a row of the result
    /// the same bits whatever batch it is computed in.
    case automatic
    /// Quantized weights used in their blocks: each activation row quantized to 8 bits (as ggml's
    /// Q8_0 / Q8_1 / Q8_K for the weight type), integer dot products, one scale per block, added in
    /// the context's `Arithmetic`. Float weights take `.float`.
    case int8
    /// F32, F16 and BF16 weights read in their own type (no conversion of the matrix), each output a
    /// fixed-order sum of fused multiply-adds (16 lanes, then a tree). Quantized weights take `.int8`.
    case float
    /// Weights converted to f32 a tile of rows at a time (F32 used in place), then `cblas_sgemm`.
    /// OpenBLAS may block a product differently with the batch size, so a row's last bits may
    /// depend on the batch: never chosen by `.automatic`; kept for comparisons.
    case sgemm
}
