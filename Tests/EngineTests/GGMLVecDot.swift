import Engine

/// llama.cpp's float arithmetic for weights in 32-value blocks, written here from ggml's definitions:
/// `ggml_vec_dot_{q4_0,q5_0,q8_0}_q8_0` and `ggml_vec_dot_{q4_1,q5_1}_q8_1` in their x86 AVX2 form
/// (which AVX-512 builds use too, as does tinyBLAS for Q4_0 / Q8_0). Per block, eight exact integer
/// lanes of four products each, one FMA per lane into eight float accumulators, and for Q4_1 / Q5_1
/// a float sum of m · s beside them; then the accumulators' horizontal sum in `hsum_float_8`'s order.
enum GGMLVecDot {
    static let types: [GGMLType] = [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0]

    /// One weight block: its 32 values as the integer dot product sees them (the value minus the
    /// zero point for Q4_0 / Q5_0, the signed byte for Q8_0, the unsigned value for Q4_1 / Q5_1),
    /// in ggml's order (value t < 16 of Q4_x / Q5_x is byte t's low nibble, t + 16 its high one).
    struct WeightBlock {
        var values: [Int32]
        var d: Float
        /// Q4_1 / Q5_1's min; nil for the other types.
        var m: Float?
    }

    static func weightBlock(_ type: GGMLType, _ block: UnsafeRawPointer) -> WeightBlock {
        func half(_ at: Int) -> Float { Half.float(block.loadUnaligned(fromByteOffset: at, as: UInt16.self)) }
        func byte(_ at: Int) -> Int32 { Int32(block.load(fromByteOffset: at, as: UInt8.self)) }
        func nibbles(at: Int) -> [Int32] { (0..<16).map { byte(at + $0) & 15 } + (0..<16).map { byte(at + $0) >> 4 } }
        func fifthBits(at: Int) -> [Int32] {
            let qh = block.loadUnaligned(fromByteOffset: at, as: UInt32.self)
            return (0..<32).map { Int32((qh >> UInt32($0)) & 1) << 4 }
        }
        switch type {
        case .q4_0: return WeightBlock(values: nibbles(at: 2).map { $0 - 8 }, d: half(0))
        case .q4_1: return WeightBlock(values: nibbles(at: 4), d: half(0), m: half(2))
        case .q5_0: return WeightBlock(values: zip(nibbles(at: 6), fifthBits(at: 2)).map { $0 + $1 - 16 }, d: half(0))
        case .q5_1: return WeightBlock(values: zip(nibbles(at: 8), fifthBits(at: 4)).map(+), d: half(0), m: half(2))
        case .q8_0: return WeightBlock(values: (0..<32).map { Int32(block.load(fromByteOffset: 2 + $0, as: Int8.self)) }, d: half(0))
        default: preconditionFailure("\(type) has no 32-value vec_dot here")
        }
    }

    /// One output value: weight row `row` · one activation row quantized by `QuantTestSupport.q8Blocks`.
    static func dot(_ w: WeightMatrix, row: Int, _ x: [QuantTestSupport.Q8Block]) -> Float {
        var acc = [Float](repeating: 0, count: 8)
        var summs: Float = 0
        for (i, a) in x.enumerated() {
            let block = weightBlock(w.type, w.row(row) + i * w.type.blockBytes)
            let dd = block.d * a.d
            for j in 0..<8 {
                let lane = (4 * j..<4 * j + 4).reduce(Int32(0)) { $0 + block.values[$1] * Int32(a.q[$1]) }
                acc[j] = acc[j].addingProduct(dd, Float(lane))
            }
            if let m = block.m { summs += m * a.s }
        }
        let sum = ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]))
        return w.type == .q4_1 || w.type == .q5_1 ? sum + summs : sum
    }

    /// y = x · Wᵀ, (batch, rows), every value as llama.cpp computes it.
    static func product(_ w: WeightMatrix, _ x: [Float], batch: Int) -> [Float] {
        let activations = (0..<batch).map { QuantTestSupport.q8Blocks(x[$0 * w.cols..<($0 + 1) * w.cols]) }
        return (0..<batch).flatMap { b in (0..<w.rows).map { dot(w, row: $0, activations[b]) } }
    }
}
