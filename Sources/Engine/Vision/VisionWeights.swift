import CKernels

/// One encoder block: pre-LN attention then pre-LN MLP.
struct VisionLayer {
    let norm1Weight: AlignedFloats
    let norm1Bias: AlignedFloats
    /// Q, K and V stacked, (3·hidden) × hidden, so one GEMM makes all three; the query rows and bias are
    /// pre-scaled by 1/√headDim (llama.cpp scales Q before Q·Kᵀ).
    let qkv: LinearLayer
    let output: LinearLayer
    let norm2Weight: AlignedFloats
    let norm2Bias: AlignedFloats
    /// hidden → FFN (the file's `ffn_down`).
    let ffn1: LinearLayer
    /// FFN → hidden (the file's `ffn_up`).
    let ffn2: LinearLayer
}

/// The tower's weights: vectors as F32, each matrix in the type the file gives it (see `LinearLayer`).
struct VisionWeights {
    /// (hidden, 3·patch·patch): the patch convolution as a matrix over unfolded patches, columns in
    /// (channel, row, column) order.
    let patchEmbedding: LinearLayer
    /// (positions, hidden) what each image's residual stream starts from, the patch GEMM adding to it:
    /// class embedding + position 0 in the class row, position t (+ patch bias, if any) in patch rows.
    let embeddingBase: [Float]
    let preNormWeight: AlignedFloats
    let preNormBias: AlignedFloats
    /// The `layersRun` blocks that LLaVA uses.
    let layers: [VisionLayer]
    let projector0: LinearLayer
    let projector2: LinearLayer

    init(gguf: GGUFFile, config c: VisionConfig, gemm: VisionGEMM) throws(GGUFError) {
        let h = c.hidden
        let matmul = VisionMatmul()
        func vector(_ name: String, _ count: Int) throws(GGUFError) -> AlignedFloats {
            AlignedFloats(try gguf.floats(name, shape: [count]))
        }
        /// The tensor `name` of ggml shape `shape` as a matrix of `rows` outputs.
        func matrix(_ name: String, shape: [Int], rows: Int) throws(GGUFError) -> WeightMatrix {
            let info = try gguf.tensor(name)
            guard info.shape == shape else {
                throw GGUFError(gguf.path, "tensor \(name) has shape \(info.shape), expected \(shape)")
            }
            return try WeightMatrix(gguf: gguf, name: name, rows: rows, cols: info.elementCount / rows)
        }
        func linear(_ weight: String, _ bias: String, inputs: Int, outputs: Int) throws(GGUFError) -> LinearLayer {
            LinearLayer(parts: [try matrix(weight, shape: [inputs, outputs], rows: outputs)],
                        bias: try gguf.floats(bias, shape: [outputs]), gemm: gemm, matmul: matmul)
        }

        let patch = try matrix(ClipTensor.patchEmbedding, shape: [c.patchSize, c.patchSize, 3, h], rows: h)
        patchEmbedding = LinearLayer(parts: [patch], bias: nil, gemm: gemm, matmul: matmul)
        let patchBias = gguf.tensorsByName[ClipTensor.patchEmbeddingBias] == nil
            ? [Float](repeating: 0, count: h) : try gguf.floats(ClipTensor.patchEmbeddingBias, shape: [h])
        let classEmbedding = try gguf.floats(ClipTensor.classEmbedding, shape: [h])
        let positionEmbedding = try gguf.floats(ClipTensor.positionEmbedding, shape: [h, c.positions])
        embeddingBase = (0..<c.positions * h).map { i in
            let (t, j) = i.quotientAndRemainder(dividingBy: h)
            return positionEmbedding[i] + (t == 0 ? classEmbedding[j] : patchBias[j])
        }
        preNormWeight = try vector(ClipTensor.preNormWeight, h)
        preNormBias = try vector(ClipTensor.preNormBias, h)

        // Every block must be present, as llama.cpp requires, though the last one is not run.
        for index in c.layersRun..<c.blockCount {
            for name in ClipTensor.Block(index: index).allNames { _ = try gguf.tensor(name) }
        }
        var layers: [VisionLayer] = []
        // llama.cpp scales Q before Q·Kᵀ: folded into F32 weights, applied to the product for the others.
        let queryScale = 1 / Float(c.headDim).squareRoot()
        for index in 0..<c.layersRun {
            let b = ClipTensor.Block(index: index)
            let mlp = b.mlp(legacy: try gguf.tensor(b.ffnFirstWeight).shape.first == h)
            let qkv = [try matrix(b.queryWeight, shape: [h, h], rows: h), try matrix(b.keyWeight, shape: [h, h], rows: h),
                       try matrix(b.valueWeight, shape: [h, h], rows: h)]
            let qkvBias = try gguf.floats(b.queryBias, shape: [h]) + gguf.floats(b.keyBias, shape: [h])
                + gguf.floats(b.valueBias, shape: [h])
            layers.append(VisionLayer(
                norm1Weight: try vector(b.norm1Weight, h),
                norm1Bias: try vector(b.norm1Bias, h),
                qkv: LinearLayer(parts: qkv, bias: qkvBias, scaledOutputs: h, outputScale: queryScale, gemm: gemm, matmul: matmul),
                output: try linear(b.outputWeight, b.outputBias, inputs: h, outputs: h),
                norm2Weight: try vector(b.norm2Weight, h),
                norm2Bias: try vector(b.norm2Bias, h),
                ffn1: try linear(mlp.first.0, mlp.first.1, inputs: h, outputs: c.ffnDim),
                ffn2: try linear(mlp.second.0, mlp.second.1, inputs: c.ffnDim, outputs: h)))
        }
        self.layers = layers
        projector0 = try linear(ClipTensor.projector0Weight, ClipTensor.projector0Bias, inputs: h, outputs: c.projectorHidden)
        projector2 = try linear(ClipTensor.projector2Weight, ClipTensor.projector2Bias,
                                inputs: c.projectorHidden, outputs: c.projectionDim)
    }

    /// Every matrix, in forward order.
    var linearLayers: [LinearLayer] {
        [patchEmbedding] + layers.flatMap { [$0.qkv, $0.output, $0.ffn1, $0.ffn2] } + [projector0, projector2]
    }

    /// Bytes the matrices take in memory: about their bytes in the file, whatever the type.
    var weightBytes: Int { linearLayers.reduce(0) { $0 + $1.weightBytes } }
}
