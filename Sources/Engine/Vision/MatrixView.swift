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
