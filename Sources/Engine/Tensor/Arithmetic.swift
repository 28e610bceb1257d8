import CKernels

/// How the decoder adds its terms. In both, every value a position computes has one fixed order of
/// float operations per output: a sequence's logits do not depend on the batch it runs in, how its
/// prompt was chunked, its neighbours or the thread count. The rules are in docs/benchmarks.md.
public enum Arithmetic: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Quantized products add a block's products as exact integers, then one float multiply-add per
    /// block (or K-quant sub-block); attention sums over keys in one order for prompt and decode
    /// positions alike. The default: the fastest, and what a prefix-cache hit needs (a prompt
    /// position then computes what a decoded one did).
    case fast
    /// llama.cpp's float order for the 32-value-block types (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0) and its two
    /// attention orders (one for a prompt of two or more tokens, one for a decoded token), so that
    /// logits equal llama.cpp's to the bit: a check, 1.4–1.6× slower from batch 8.
    case exact

    public var description: String { rawValue }

    /// The kernels' constant.
    var kernelValue: Int32 { self == .exact ? Int32(CK_ARITH_EXACT) : Int32(CK_ARITH_FAST) }
}
