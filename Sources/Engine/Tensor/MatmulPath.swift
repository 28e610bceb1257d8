/// How `MatmulContext` computes a product.
public enum MatmulPath: Sendable, Hashable {
    /// Quantized weights: `.int8` below the context's `sgemmBatch`, else `.sgemm`. F32, F16 and
    /// BF16 weights: `.sgemm`.
    case automatic
    /// Quantized weights used in their blocks: each activation row quantized to 8 bits (as ggml's
    /// Q8_0 / Q8_1 / Q8_K for the weight type), integer dot products, one scale per block. A row of
    /// the result is the same, to the bit, whatever batch it is computed in.
    case int8
    /// Weights converted to f32 a tile of rows at a time (F32 used in place), then `cblas_sgemm`.
    case sgemm
}
