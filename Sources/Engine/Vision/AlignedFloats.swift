/// Zero-initialised floats in 64-byte-aligned memory that this object owns: whole cache lines, and the
/// alignment the AVX-512 kernel's aligned loads of packed weights need.
final class AlignedFloats {
    let count: Int
    let base: UnsafeMutablePointer<Float>

    init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.size, alignment: 64)
        base = raw.initializeMemory(as: Float.self, repeating: 0, count: max(count, 1))
    }

    convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { base.deallocate() }
}

/// A row-major matrix in memory someone else owns: element (r, c) at `base[r * stride + c]`.
struct MatrixView {
    let base: UnsafeMutablePointer<Float>
    let stride: Int

    /// The view starting at (row, column), same stride.
    func offset(row: Int, column: Int = 0) -> MatrixView {
        MatrixView(base: base + row * stride + column, stride: stride)
    }
}

/// A row stride for `width` floats that keeps rows 64-byte aligned and stops rows a multiple of 4 KiB
/// apart from mapping to the same L1 sets (the GEMM reads 14 rows at once).
func paddedStride(_ width: Int) -> Int { (width + 15) / 16 * 16 + 16 }
