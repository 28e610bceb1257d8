/// The 256-value super-blocks ("K-quants").
extension Dequantize {
    /// The 6-bit scale and min of sub-block `j` of a Q4_K / Q5_K super-block (ggml's get_scale_min_k4).
    @inline(__always)
    static func scaleMin(_ scales: UnsafeRawPointer, _ j: Int) -> (Float, Float) {
        let q = { (i: Int) in scales.load(fromByteOffset: i, as: UInt8.self) }
        if j < 4 { return (Float(q(j) & 63), Float(q(j + 4) & 63)) }
        let d = (q(j + 4) & 0xF) | ((q(j - 4) >> 6) << 4)
        let m = (q(j + 4) >> 4) | ((q(j) >> 6) << 4)
        return (Float(d), Float(m))
    }

    /// d, dmin, 12 bytes of scales and mins, 128 bytes of nibbles. Each 32 bytes of nibbles hold two
    /// sub-blocks of 32: low nibbles then high. Value d·sc·q − dmin·m.
    static func q4_K(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        kQuant(b, y, nibbles: 16, highBits: nil)
    }

    /// As Q4_K with a fifth bit per value from 32 bytes of high bits: bit 2j of byte l for value l of
    /// sub-block 2j, bit 2j+1 for sub-block 2j+1.
    static func q5_K(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        kQuant(b, y, nibbles: 48, highBits: 16)
    }

    @inline(__always)
    private static func kQuant(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, nibbles: Int, highBits: Int?) {
        let d = half(b, 0), dmin = half(b, 2)
        for j in 0..<4 {
            let (sc1, m1) = scaleMin(b + 4, 2 * j), (sc2, m2) = scaleMin(b + 4, 2 * j + 1)
            let d1 = d * sc1, min1 = dmin * m1, d2 = d * sc2, min2 = dmin * m2
            for l in 0..<32 {
                let q = byte(b, nibbles + 32 * j + l)
                var low = q & 15, high = q >> 4
                if let highBits {
                    let h = byte(b, highBits + l)
                    low |= ((h >> UInt8(2 * j)) & 1) << 4
                    high |= ((h >> UInt8(2 * j + 1)) & 1) << 4
                }
                y[64 * j + l] = d1 * Float(low) - min1
                y[64 * j + 32 + l] = d2 * Float(high) - min2
            }
        }
    }

    /// 128 bytes of low nibbles, 64 bytes of high 2-bit pairs, 16 signed 8-bit scales (one per 16
    /// values), f16 d last. Value (d·sc)·(q − 32).
    static func q6_K(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(b, 208)
        for n in 0..<2 {
            let ql = 64 * n, qh = 128 + 32 * n, out = y + 128 * n
            let scale = { (i: Int) in d * Float(b.load(fromByteOffset: 192 + 8 * n + i, as: Int8.self)) }
            for l in 0..<32 {
                let sub = l / 16
                let a = byte(b, ql + l), c = byte(b, ql + l + 32), h = byte(b, qh + l)
                let q1 = Int(a & 15 | (h & 3) << 4) - 32
                let q2 = Int(c & 15 | ((h >> 2) & 3) << 4) - 32
                let q3 = Int(a >> 4 | ((h >> 4) & 3) << 4) - 32
                let q4 = Int(c >> 4 | ((h >> 6) & 3) << 4) - 32
                out[l] = scale(sub) * Float(q1)
                out[l + 32] = scale(sub + 2) * Float(q2)
                out[l + 64] = scale(sub + 4) * Float(q3)
                out[l + 96] = scale(sub + 6) * Float(q4)
            }
        }
    }
}
