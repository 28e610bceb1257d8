import CKernels

/// A CLIP vision tower with LLaVA's two-layer MLP projector, loaded from an mmproj GGUF file: pixels in,
/// one embedding per patch out, in the language model's embedding width. Matches llama.cpp's clip.cpp.
///
/// Forward: patch embedding (the stride-patch convolution as one GEMM over unfolded patches), class
/// embedding prepended, position embeddings added, pre-layer-norm, `blockCount − 1` pre-LN transformer
/// blocks (quick-GELU or GELU MLP), class position dropped, projector mm.0 → GELU → mm.2.
///
/// A pass takes up to `maxBatch` images at once: every linear layer is one GEMM over all their
/// positions; attention runs per image and head, spread over the threads of `pool` — the language
/// model's, so a worker has one set of compute threads. A pass runs whole (`encode`) or in slices
/// (`begin`, `advance` within a budget, `takeEmbeddings`), so that a worker's step loop can give
/// images a bounded share of each step (see `VisionPass`). Scratch for `maxBatch` images is
/// allocated at init. Not thread-safe: one pass at a time.
public final class VisionEncoder {
    public let config: VisionConfig
    /// The matrix products in use (`.openBLAS` if AVX-512 was asked for on a CPU without it).
    public let gemm: VisionGEMM
    public let maxBatch: Int
    public let pool: ComputePool
    let weights: VisionWeights
    let state: VisionRunState
    /// The pass in flight: its images are unfolded in `state`, and it has got this far.
    private var pass: VisionPass?
    /// Arithmetic per second each kind of stage reached in the slices timed so far (a first guess
    /// below what two AVX-512 cores do, so that first slices undershoot).
    private var speeds = [Double](repeating: 1e11, count: VisionPass.Stage.kinds)

    /// Loads the weights in their file's type (F32 and F16/BF16 packed for the GEMM, quantized matrices
    /// used where they lie in the mapped file, which those layers keep open).
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
    /// Each image is normalised planar RGB, `(3, imageSize, imageSize)`. Runs whole passes of up to
    /// `maxBatch` images; not while a pass started with `begin` is in flight.
    public func encode(_ images: [[Float]]) throws(VisionError) -> [[Float]] {
        var embeddings: [[Float]] = []
        embeddings.reserveCapacity(images.count)
        for start in stride(from: 0, to: images.count, by: maxBatch) {
            try begin(Array(images[start..<min(start + maxBatch, images.count)]))
            _ = advance(flops: .infinity)
            embeddings += takeEmbeddings()
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
        precondition(pass == nil, "a pass is in flight")
        for start in stride(from: 0, to: imageCount, by: maxBatch) {
            let count = min(maxBatch, imageCount - start)
            for i in 0..<count { unfold(image: i, pixels: source + (start + i) * config.pixelCount) }
            pass = VisionPass(config: config, imageCount: count)
            _ = advance(flops: .infinity)
            for i in 0..<count { copyEmbeddings(image: i, to: destination + (start + i) * width) }
            pass = nil
        }
    }

    // MARK: - Passes in slices

    /// Whether a pass is in flight: begun, not yet taken.
    public var isEncoding: Bool { pass != nil }
    /// Images of the pass in flight.
    public var passImageCount: Int { pass?.imageCount ?? 0 }
    /// Arithmetic left in the pass in flight (floating-point operations).
    public var remainingFlops: Double { pass?.remainingFlops ?? 0 }
    /// The tower's arithmetic for `imageCount` images: what a pass of them costs.
    public func flops(imageCount: Int) -> Double { VisionPass.flops(config: config, imageCount: imageCount) }

    /// Starts a pass over up to `maxBatch` images (normalised planar RGB); no tower work is done yet.
    /// Images of different requests go together: every linear layer is one product over all their rows.
    public func begin(_ images: [[Float]]) throws(VisionError) {
        precondition(pass == nil, "a pass is in flight")
        precondition(!images.isEmpty && images.count <= maxBatch, "a pass takes 1 to \(maxBatch) images")
        for image in images where image.count != config.pixelCount {
            throw .wrongPixelCount(expected: config.pixelCount, got: image.count)
        }
        for (i, image) in images.enumerated() {
            image.withUnsafeBufferPointer { unfold(image: i, pixels: $0.baseAddress!) }
        }
        pass = VisionPass(config: config, imageCount: images.count)
    }

    /// Runs the pass in flight a slice after another until about `flops` of arithmetic is done (at
    /// least one slice, so that every call makes progress). Returns the arithmetic done and whether
    /// the pass is complete. A slice is a run of rows or of (image, head) pairs of one stage, and
    /// every row's numbers are the same however the pass was sliced.
    public func advance(flops budget: Double) -> (flops: Double, finished: Bool) {
        guard var p = pass else { return (0, true) }
        var spent = 0.0
        repeat {
            let slice = p.nextSlice(flops: budget - spent)
            run(p.stage, slice, imageCount: p.imageCount)
            spent += Double(slice.count) * p.flopsPerUnit(p.stage)
            p.complete(slice)
        } while spent < budget && !p.isDone
        pass = p
        return (spent, p.isDone)
    }

    /// Runs the pass in flight for about `seconds`: each slice sized by the time left and the speed
    /// its kind of stage has shown, timed, until the time is up (at least one slice) or the pass is
    /// complete. A slice overshoots by at most what one misjudged slice costs, the smallest (16 rows)
    /// if the time is nearly up. Returns the arithmetic done and whether the pass is complete.
    public func advance(seconds: Double) -> (flops: Double, finished: Bool) {
        guard var p = pass else { return (0, true) }
        let start = ContinuousClock.now
        func elapsed(since instant: ContinuousClock.Instant) -> Double { (ContinuousClock.now - instant).seconds }
        var spent = 0.0
        repeat {
            let kind = p.stage.kind
            let slice = p.nextSlice(flops: max(seconds - elapsed(since: start), 0) * speeds[kind])
            let sliceStart = ContinuousClock.now
            run(p.stage, slice, imageCount: p.imageCount)
            let flops = Double(slice.count) * p.flopsPerUnit(p.stage)
            let took = elapsed(since: sliceStart)
            if flops > 1e7, took > 0 { speeds[kind] = 0.7 * speeds[kind] + 0.3 * flops / took }
            spent += flops
            p.complete(slice)
        } while !p.isDone && elapsed(since: start) < seconds
        pass = p
        return (spent, p.isDone)
    }

    /// The embeddings of the completed pass, one array per image, in the order they were begun;
    /// ends the pass.
    public func takeEmbeddings() -> [[Float]] {
        guard let p = pass else { return [] }
        precondition(p.isDone, "the pass is not complete")
        let width = config.patchCount * config.projectionDim
        let embeddings = (0..<p.imageCount).map { i in
            [Float](unsafeUninitializedCapacity: width) { buffer, count in
                copyEmbeddings(image: i, to: buffer.baseAddress!)
                count = width
            }
        }
        pass = nil
        return embeddings
    }

    /// Drops the pass in flight, if any (its images' requests are gone).
    public func abandonPass() { pass = nil }

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

    /// One slice: `units` of `stage` (rows of every image's positions, or (image, head) pairs).
    private func run(_ stage: VisionPass.Stage, _ units: Range<Int>, imageCount n: Int) {
        let c = config, s = state, w = weights
        let first = units.lowerBound, rows = units.count
        func at(_ buffer: VisionRunState.Buffer) -> MatrixView { buffer.view.offset(row: first) }
        switch stage {
        case .embed:
            // x = base + patches·Wᵀ (class rows of `patches` are zero), then the pre-layer-norm.
            w.embeddingBase.withUnsafeBufferPointer { base in
                for i in units {
                    s.x.view.offset(row: i).base.update(from: base.baseAddress! + i % c.positions * c.hidden, count: c.hidden)
                }
            }
            w.patchEmbedding.apply(at(s.patches), rows: rows, into: at(s.x), accumulate: true, pool: pool)
            layerNorm(at(s.x), into: at(s.x), rows: rows, weight: w.preNormWeight, bias: w.preNormBias)
        case .attentionInput(let index):
            let layer = w.layers[index]
            layerNorm(at(s.x), into: at(s.normed), rows: rows, weight: layer.norm1Weight, bias: layer.norm1Bias)
            layer.qkv.apply(at(s.normed), rows: rows, into: at(s.qkv), pool: pool)
        case .attention:
            attention(pairs: units)
        case .mlp(let index):
            let layer = w.layers[index]
            layer.output.apply(at(s.attention), rows: rows, into: at(s.x), accumulate: true, pool: pool)
            layerNorm(at(s.x), into: at(s.normed), rows: rows, weight: layer.norm2Weight, bias: layer.norm2Bias)
            layer.ffn1.apply(at(s.normed), rows: rows, into: at(s.ffn), activation: c.useGELU ? LOOM_ACT_GELU : LOOM_ACT_GELU_QUICK, pool: pool)
            layer.ffn2.apply(at(s.ffn), rows: rows, into: at(s.x), accumulate: true, pool: pool)
        case .project:
            // Over every row: the class rows cost 1/positions extra and are skipped when copying out.
            w.projector0.apply(at(s.x), rows: rows, into: at(s.projected), activation: LOOM_ACT_GELU, pool: pool)
            w.projector2.apply(at(s.projected), rows: rows, into: at(s.output), pool: pool)
        case .done:
            break
        }
    }

    private func layerNorm(_ input: MatrixView, into output: MatrixView, rows: Int, weight: AlignedFloats, bias: AlignedFloats) {
        let c = config
        pool.forEachShare(of: rows) { share in
            loom_layer_norm_rows(input.offset(row: share.lowerBound).base, Int32(input.stride),
                                 output.offset(row: share.lowerBound).base, Int32(output.stride), Int32(share.count),
                                 Int32(c.hidden), weight.base, bias.base, c.layerNormEpsilon)
        }
    }

    /// (image, head) pairs `pairs`, one per index, claimed by the pool's threads.
    private func attention(pairs: Range<Int>) {
        let c = config, s = state, gemm = gemm
        pool.parallelFor(pairs.count) { job, thread in
            let (image, head) = (pairs.lowerBound + job).quotientAndRemainder(dividingBy: c.heads)
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
