/// ggml's tensor blocks → `Float`, computed exactly as ggml's `dequantize_row_*` (and gguf-py's
/// `dequantize`) do: the same products and sums in the same order, so results agree to the bit.
public enum Dequantize {
    /// Dequantizes `count` values, a whole number of `type`'s blocks, starting at `source`.
    public static func values(_ type: GGMLType, from source: UnsafeRawPointer, count: Int, into out: UnsafeMutablePointer<Float>) {
        precondition(count >= 0 && count % type.blockSize == 0, "\(count) values is not a whole number of \(type) blocks")
        let blocks = count / type.blockSize
        let n = type.blockSize
        switch type {
        case .f32: UnsafeMutableRawPointer(out).copyMemory(from: source, byteCount: 4 * count)
        case .f16: Half.convert(source.assumingMemoryBound(to: UInt16.self), to: out, count: count)
        case .bf16:
            for i in 0..<count { out[i] = Half.bfloat(source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
        case .q4_0: for b in 0..<blocks { q4_0(source + 18 * b, out + n * b) }
        case .q4_1: for b in 0..<blocks { q4_1(source + 20 * b, out + n * b) }
        case .q5_0: for b in 0..<blocks { q5_0(source + 22 * b, out + n * b) }
        case .q5_1: for b in 0..<blocks { q5_1(source + 24 * b, out + n * b) }
        case .q8_0: for b in 0..<blocks { q8(source + 34 * b, scale: half(source + 34 * b, 0), at: 2, count: n, out + n * b) }
        case .q8_1: for b in 0..<blocks { q8(source + 36 * b, scale: half(source + 36 * b, 0), at: 4, count: n, out + n * b) }
        case .q4_K: for b in 0..<blocks { q4_K(source + 144 * b, out + n * b) }
        case .q5_K: for b in 0..<blocks { q5_K(source + 176 * b, out + n * b) }
        case .q6_K: for b in 0..<blocks { q6_K(source + 210 * b, out + n * b) }
        case .q8_K:
            for b in 0..<blocks {
                let block = source + 292 * b
                q8(block, scale: Float(bitPattern: block.loadUnaligned(as: UInt32.self)), at: 4, count: n, out + n * b)
            }
        }
    }

    // MARK: 32-value blocks

    @inline(__always)
    static func half(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
        Half.float(p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    static func byte(_ p: UnsafeRawPointer, _ offset: Int) -> UInt8 { p.load(fromByteOffset: offset, as: UInt8.self) }

    /// d, 16 bytes of nibbles: low nibbles are values 0–15, high nibbles 16–31; value (q − 8)·d.
    static func q4_0(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(b, 0)
        for j in 0..<16 {
            let q = byte(b, 2 + j)
            y[j] = Float(Int(q & 15) - 8) * d
            y[j + 16] = Float(Int(q >> 4) - 8) * d
        }
    }

    /// d, m, nibbles; value q·d + m.
    static func q4_1(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(b, 0), m = half(b, 2)
        for j in 0..<16 {
            let q = byte(b, 4 + j)
            y[j] = Float(q & 15) * d + m
            y[j + 16] = Float(q >> 4) * d + m
        }
    }

    /// The 5-bit values of a Q5 block: nibbles plus one high bit each from the 32-bit `qh`.
    @inline(__always)
    static func fiveBit(_ b: UnsafeRawPointer, qh: UInt32, nibbles: Int, _ j: Int) -> (Int, Int) {
        let q = byte(b, nibbles + j)
        let low = Int(q & 15) | Int((qh >> UInt32(j)) & 1) << 4
        let high = Int(q >> 4) | Int((qh >> UInt32(j + 16)) & 1) << 4
        return (low, high)
    }

    /// d, qh, nibbles; value (q − 16)·d.
    static func q5_0(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(b, 0), qh = b.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
        for j in 0..<16 {
            let (low, high) = fiveBit(b, qh: qh, nibbles: 6, j)
            y[j] = Float(low - 16) * d
            y[j + 16] = Float(high - 16) * d
        }
    }

    /// d, m, qh, nibbles; value q·d + m.
    static func q5_1(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(b, 0), m = half(b, 2), qh = b.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
        for j in 0..<16 {
            let (low, high) = fiveBit(b, qh: qh, nibbles: 8, j)
            y[j] = Float(low) * d + m
            y[j + 16] = Float(high) * d + m
        }
    }

    /// `count` signed bytes from `at`, times `scale` (Q8_0, Q8_1, Q8_K).
    static func q8(_ b: UnsafeRawPointer, scale: Float, at: Int, count: Int, _ y: UnsafeMutablePointer<Float>) {
        for j in 0..<count { y[j] = Float(b.load(fromByteOffset: at + j, as: Int8.self)) * scale }
    }
}
