import CKernels

/// A CLIP vision tower with LLaVA's two-layer MLP projector, loaded from an mmproj GGUF file: pixels in,
/// one embedding per patch out, in the language model's embedding width. Matches llama.cpp's clip.cpp.
///
/// Forward: patch embedding (the stride-patch convolution as one GEMM over unfolded patches), class
/// embedding prepended, position embeddings added, pre-layer-norm, `blockCount − 1` pre-LN transformer
/// blocks (quick-GELU or GELU MLP), class position dropped, projector mm.0 → GELU → mm.2.
///
/// `encode` takes many images at once: every linear layer is one GEMM over all their positions;
/// attention runs per image and head, spread over the threads of `pool` — the language model's, so a
/// worker has one set of compute threads. Scratch for `maxBatch` images is allocated at init; larger
/// requests run in chunks. Not thread-safe: one `encode` at a time.
public final class VisionEncoder {
    public let config: VisionConfig
    /// The matrix products in use (`.openBLAS` if AVX-512 was asked for on a CPU without it).
    public let gemm: VisionGEMM
    public let maxBatch: Int
    public let pool: ComputePool
    let weights: VisionWeights
    let state: VisionRunState

    /// Reads the weights into memory (as F32, packed for the GEMM): the file can be closed afterwards.
    public init(gguf: GGUFFile, pool: ComputePool, maxBatch: Int = 8, gemm: VisionGEMM = .best) throws(GGUFError) {
        config = try VisionConfig(gguf: gguf)
        self.gemm = gemm.isAvailable ? gemm : .openBLAS
        self.maxBatch = max(maxBatch, 1)
        self.pool = pool
        weights = try VisionWeights(gguf: gguf, config: config, gemm: self.gemm)
        state = VisionRunState(config: config, capacity: self.maxBatch, threads: pool.threadCount)
    }

    public convenience init(path: String, pool: ComputePool, maxBatch: Int = 8, gemm: VisionGEMM = .best) throws(GGUFError) {
        try self.init(gguf: GGUFFile(path: path), pool: pool, maxBatch: maxBatch, gemm: gemm)
    }

    /// Embeddings of each image: `patchCount × projectionDim` floats, row-major, one row per patch.
    /// Each image is normalised planar RGB, `(3, imageSize, imageSize)`.
    public func encode(_ images: [[Float]]) throws(VisionError) -> [[Float]] {
        for image in images where image.count != config.pixelCount {
            throw .wrongPixelCount(expected: config.pixelCount, got: image.count)
        }
        let width = config.patchCount * config.projectionDim
        var embeddings: [[Float]] = []
        embeddings.reserveCapacity(images.count)
        for start in stride(from: 0, to: images.count, by: maxBatch) {
            let chunk = images[start..<min(start + maxBatch, images.count)]
            for (i, image) in chunk.enumerated() {
                image.withUnsafeBufferPointer { unfold(image: i, pixels: $0.baseAddress!) }
            }
            forward(imageCount: chunk.count)
            for i in 0..<chunk.count {
                embeddings.append([Float](unsafeUninitializedCapacity: width) { buffer, count in
                    copyEmbeddings(image: i, to: buffer.baseAddress!)
                    count = width
                })
            }
        }
        return embeddings
    }

    /// The same, from and into caller memory: `pixels` holds whole images back to back, `output`
    /// receives their embeddings back to back.
    public func encode(pixels: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>) throws(VisionError) {
        let imageCount = pixels.count / config.pixelCount
        guard pixels.count % config.pixelCount == 0 else {
            throw .wrongPixelCount(expected: config.pixelCount, got: pixels.count)
        }
        let width = config.patchCount * config.projectionDim
        guard output.count >= imageCount * width else { throw .outputTooSmall(needed: imageCount * width, got: output.count) }
        guard imageCount > 0, let source = pixels.baseAddress, let destination = output.baseAddress else { return }
        for start in stride(from: 0, to: imageCount, by: maxBatch) {
            let count = min(maxBatch, imageCount - start)
            for i in 0..<count { unfold(image: i, pixels: source + (start + i) * config.pixelCount) }
            forward(imageCount: count)
            for i in 0..<count { copyEmbeddings(image: i, to: destination + (start + i) * width) }
        }
    }

    // MARK: - Forward

    /// Writes image `image`'s patches into its rows of `state.patches`: patch (py, px) is the row after the
    /// class row at py·side + px, its values in (channel, row, column) order, as the convolution weights.
    private func unfold(image: Int, pixels: UnsafePointer<Float>) {
        let c = config, s = c.imageSize, p = c.patchSize, side = c.patchesPerSide
        let patches = state.patches.view
        for py in 0..<side {
            for px in 0..<side {
                let row = patches.offset(row: image * c.positions + 1 + py * side + px).base
                for channel in 0..<3 {
                    for ky in 0..<p {
                        let source = pixels + channel * s * s + (py * p + ky) * s + px * p
                        (row + (channel * p + ky) * p).update(from: source, count: p)
                    }
                }
            }
        }
    }

    /// Runs the tower over the first `n` images of `state.patches`, leaving the embeddings in `state.output`.
    private func forward(imageCount n: Int) {
        let c = config, s = state, w = weights
        let rows = n * c.positions
        let x = s.x.view, normed = s.normed.view

        // Embeddings: x = base + patches·Wᵀ (class rows of `patches` are zero).
        w.embeddingBase.withUnsafeBufferPointer { base in
            for i in 0..<n * c.positions {
                x.offset(row: i).base.update(from: base.baseAddress! + i % c.positions * c.hidden, count: c.hidden)
            }
        }
        w.patchEmbedding.apply(s.patches.view, rows: rows, into: x, accumulate: true, pool: pool)
        layerNorm(x, into: x, rows: rows, weight: w.preNormWeight, bias: w.preNormBias)

        let activation = c.useGELU ? LOOM_ACT_GELU : LOOM_ACT_GELU_QUICK
        for layer in w.layers {
            layerNorm(x, into: normed, rows: rows, weight: layer.norm1Weight, bias: layer.norm1Bias)
            layer.qkv.apply(normed, rows: rows, into: s.qkv.view, pool: pool)
            attention(imageCount: n)
            layer.output.apply(s.attention.view, rows: rows, into: x, accumulate: true, pool: pool)
            layerNorm(x, into: normed, rows: rows, weight: layer.norm2Weight, bias: layer.norm2Bias)
            layer.ffn1.apply(normed, rows: rows, into: s.ffn.view, activation: activation, pool: pool)
            layer.ffn2.apply(s.ffn.view, rows: rows, into: x, accumulate: true, pool: pool)
        }

        // Projector, over every row (the class rows cost 1/positions extra and are skipped when copying out).
        w.projector0.apply(x, rows: rows, into: s.projected.view, activation: LOOM_ACT_GELU, pool: pool)
        w.projector2.apply(s.projected.view, rows: rows, into: s.output.view, pool: pool)
    }

    private func layerNorm(_ input: MatrixView, into output: MatrixView, rows: Int, weight: AlignedFloats, bias: AlignedFloats) {
        let c = config
        pool.forEachShare(of: rows) { share in
            loom_layer_norm_rows(input.offset(row: share.lowerBound).base, Int32(input.stride),
                                 output.offset(row: share.lowerBound).base, Int32(output.stride), Int32(share.count),
                                 Int32(c.hidden), weight.base, bias.base, c.layerNormEpsilon)
        }
    }

    /// Every head of every image, one (image, head) pair per index, claimed by the pool's threads.
    private func attention(imageCount n: Int) {
        let c = config, s = state, gemm = gemm
        pool.parallelFor(n * c.heads) { job, thread in
            let (image, head) = job.quotientAndRemainder(dividingBy: c.heads)
            let q = s.qkv.view.offset(row: image * c.positions, column: head * c.headDim)
            attendHead(q: q, k: q.offset(row: 0, column: c.hidden), v: q.offset(row: 0, column: 2 * c.hidden),
                       out: s.attention.view.offset(row: image * c.positions, column: head * c.headDim),
                       positions: c.positions, headDim: c.headDim, scratch: s.heads[thread], gemm: gemm)
        }
    }

    /// Copies image `image`'s patch embeddings (its rows of `state.output` after the class row).
    private func copyEmbeddings(image: Int, to destination: UnsafeMutablePointer<Float>) {
        let c = config
        destination.update(from: state.output.view.offset(row: image * c.positions + 1).base,
                           count: c.patchCount * c.projectionDim)
    }
}
