import CKernels

/// IEEE half precision ↔ `Float`: single values, and whole rows with F16C where the CPU has it
/// (Swift's own `Float16` conversions are library calls unless the whole target enables F16C).
public enum Half {
    /// The `Float` a half-precision bit pattern stands for (exact).
    @inline(__always)
    public static func float(_ bits: UInt16) -> Float { Float(Float16(bitPattern: bits)) }

    /// The half-precision bit pattern nearest to `value` (ties to even; overflow gives infinity).
    @inline(__always)
    public static func bits(_ value: Float) -> UInt16 { Float16(value).bitPattern }

    /// floats[i] = f32(halfs[i]) for `count` values.
    public static func convert(_ halfs: UnsafePointer<UInt16>, to floats: UnsafeMutablePointer<Float>, count: Int) {
        ck_halfs_to_floats(halfs, floats, count)
    }

    /// halfs[i] = f16(floats[i]) for `count` values, rounding to nearest even.
    public static func convert(_ floats: UnsafePointer<Float>, to halfs: UnsafeMutablePointer<UInt16>, count: Int) {
        ck_floats_to_halfs(floats, halfs, count)
    }

    /// The `Float` a bfloat16 bit pattern stands for (exact: its upper 16 bits).
    @inline(__always)
    public static func bfloat(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }
}
