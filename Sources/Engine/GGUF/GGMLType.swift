/// Tensor element types as GGUF stores them (ggml's `ggml_type` numbering).
///
/// Quantized types pack `blockSize` consecutive values of a row into `blockBytes` bytes; a row's
/// length must be a multiple of `blockSize`.
public enum GGMLType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q5_0 = 6
    case q5_1 = 7
    case q8_0 = 8
    case q8_1 = 9
    case q4_K = 12
    case q5_K = 13
    case q6_K = 14
    case q8_K = 15
    case bf16 = 30

    /// Values per block.
    public var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16: 1
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1: 32
        case .q4_K, .q5_K, .q6_K, .q8_K: 256
        }
    }

    /// Bytes per block.
    public var blockBytes: Int {
        switch self {
        case .f32: 4
        case .f16, .bf16: 2
        case .q4_0: 18   // f16 d, 16 × nibbles
        case .q4_1: 20   // f16 d, f16 m, 16 × nibbles
        case .q5_0: 22   // f16 d, 4 × high bits, 16 × nibbles
        case .q5_1: 24   // f16 d, f16 m, 4 × high bits, 16 × nibbles
        case .q8_0: 34   // f16 d, 32 × int8
        case .q8_1: 36   // f16 d, f16 d·Σq, 32 × int8
        case .q4_K: 144  // f16 d, f16 dmin, 12 × 6-bit scales/mins, 128 × nibbles
        case .q5_K: 176  // as q4_K plus 32 × high bits
        case .q6_K: 210  // 128 × low nibbles, 64 × high 2 bits, 16 × int8 scales, f16 d
        case .q8_K: 292  // f32 d, 256 × int8, 16 × int16 block sums
        }
    }

    /// Bytes taken by one row of `count` values, or nil if `count` is not a whole number of blocks.
    public func rowBytes(_ count: Int) -> Int? {
        guard count >= 0, count % blockSize == 0 else { return nil }
        return count / blockSize * blockBytes
    }

    public var description: String {
        switch self {
        case .f32: "F32"
        case .f16: "F16"
        case .bf16: "BF16"
        case .q4_0: "Q4_0"
        case .q4_1: "Q4_1"
        case .q5_0: "Q5_0"
        case .q5_1: "Q5_1"
        case .q8_0: "Q8_0"
        case .q8_1: "Q8_1"
        case .q4_K: "Q4_K"
        case .q5_K: "Q5_K"
        case .q6_K: "Q6_K"
        case .q8_K: "Q8_K"
        }
    }
}
