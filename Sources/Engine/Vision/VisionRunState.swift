import CKernels

/// Scratch for one forward pass over up to `capacity` images, allocated once. Rows are positions:
/// image i's class position is row i·positions, its patches the rows after it.
final class VisionRunState {
    let capacity: Int
    /// (capacity·positions, hidden) the residual stream.
    let x: Buffer
    /// (capacity·positions, hidden) layer-norm output, the input of the next product.
    let normed: Buffer
    /// (capacity·positions, 3·hidden) queries | keys | values.
    let qkv: Buffer
    /// (capacity·positions, hidden) attention output, heads side by side.
    let attention: Buffer
    /// (capacity·positions, ffn) MLP hidden layer.
    let ffn: Buffer
    /// (capacity·positions, 3·patch²) unfolded pixels; the class rows stay zero.
    let patches: Buffer
    /// (capacity·positions, projectorHidden) the projector's hidden layer.
    let projected: Buffer
    /// (capacity·positions, projectionDim) the projector's output, class rows included.
    let output: Buffer
    /// One per thread of the pool: attention runs heads in parallel.
    let heads: [HeadScratch]

    /// A matrix this state owns: `rows` rows of `stride` floats.
    struct Buffer {
        let storage: AlignedFloats
        let stride: Int
        init(rows: Int, width: Int, stride: Int? = nil) {
            self.stride = stride ?? paddedStride(width)
            storage = AlignedFloats(count: rows * self.stride)
        }
        var view: MatrixView { MatrixView(base: storage.base, stride: stride) }
    }

    /// What one attention head needs: scores and its keys and values packed for the GEMM.
    struct HeadScratch {
        /// (positions, positions)
        let scores: Buffer
        let packedKeys: AlignedFloats
        let packedValues: AlignedFloats
    }

    init(config c: VisionConfig, capacity: Int, threads: Int) {
        self.capacity = capacity
        let rows = capacity * c.positions
        x = Buffer(rows: rows, width: c.hidden)
        normed = Buffer(rows: rows, width: c.hidden)
        qkv = Buffer(rows: rows, width: 3 * c.hidden)
        attention = Buffer(rows: rows, width: c.hidden)
        ffn = Buffer(rows: rows, width: c.ffnDim)
        patches = Buffer(rows: rows, width: c.patchValues)
        projected = Buffer(rows: rows, width: c.projectorHidden)
        output = Buffer(rows: rows, width: c.projectionDim, stride: c.projectionDim)
        heads = (0..<threads).map { _ in
            HeadScratch(
                scores: Buffer(rows: c.positions, width: c.positions),
                packedKeys: AlignedFloats(count: loom_gemm_packed_count(Int32(c.positions), Int32(c.headDim))),
                packedValues: AlignedFloats(count: loom_gemm_packed_count(Int32(c.headDim), Int32(c.positions))))
        }
    }
}
