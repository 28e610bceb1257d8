/// Hyperparameters of a CLIP vision tower with LLaVA's MLP projector, read from an mmproj GGUF file
/// (`general.architecture` "clip").
public struct VisionConfig: Sendable, Equatable {
    /// Side of the square input image, in pixels.
    public var imageSize: Int
    public var patchSize: Int
    /// Width of the encoder's residual stream.
    public var hidden: Int
    public var heads: Int
    public var ffnDim: Int
    /// Encoder blocks in the file; LLaVA uses the output of the second-to-last (`layersRun`).
    public var blockCount: Int
    /// Blocks run: `blockCount − 1` (LLaVA takes the second-to-last block's output), or the one
    /// layer `clip.vision.feature_layer` names.
    public var layersRun: Int
    public var layerNormEpsilon: Float
    /// Per-channel normalisation of the input pixels (x / 255 − mean) / std, RGB.
    public var imageMean: [Float]
    public var imageStd: [Float]
    /// Encoder MLP activation: GELU when true, else quick-GELU x·σ(1.702x).
    public var useGELU: Bool
    /// Width of the projector's hidden layer (mm.0's outputs).
    public var projectorHidden: Int
    /// Width of each output embedding (mm.2's outputs): the language model's embedding width.
    /// (Not `clip.vision.projection_dim`, which in LLaVA files is CLIP's own projection.)
    public var projectionDim: Int

    public var patchesPerSide: Int { imageSize / patchSize }
    /// Output embeddings per image: one per patch (the class position is dropped).
    public var patchCount: Int { patchesPerSide * patchesPerSide }
    /// Encoder positions per image: the class embedding and one per patch.
    public var positions: Int { patchCount + 1 }
    public var headDim: Int { hidden / heads }
    /// Values of one unfolded patch: 3 channels × patch × patch.
    public var patchValues: Int { 3 * patchSize * patchSize }
    /// Floats of one input image: planar RGB, (3, imageSize, imageSize).
    public var pixelCount: Int { 3 * imageSize * imageSize }
    public static let architecture = "clip"
    public static let supportedProjectors: Set<String> = ["mlp"]

    public init(gguf: GGUFFile) throws(GGUFError) {
        let arch = try gguf.string(GGUFKey.architecture)
        guard arch == Self.architecture else {
            throw GGUFError(gguf.path, "unsupported architecture '\(arch)': the vision tower reads '\(Self.architecture)' (mmproj) files")
        }
        guard gguf.metadata[GGUFKey.clipHasVisionEncoder]?.bool == true else {
            throw GGUFError(gguf.path, "no vision encoder (\(GGUFKey.clipHasVisionEncoder) is not true)")
        }
        // Older converters say so; llama.cpp today goes by the projector type alone.
        guard gguf.metadata[GGUFKey.clipHasLLaVAProjector]?.bool != false else {
            throw GGUFError(gguf.path, "no LLaVA projector (\(GGUFKey.clipHasLLaVAProjector) is false): Loom runs LLaVA mmproj files")
        }
        // clip.projector_type, else (files of several modalities) clip.vision.projector_type; files of
        // llama.cpp's first LLaVA converter have neither and hold the MLP projector.
        let projector = (gguf.metadata[GGUFKey.clipProjectorType] ?? gguf.metadata[GGUFKey.visionProjectorType])?.string ?? "mlp"
        guard Self.supportedProjectors.contains(projector) else {
            throw GGUFError(gguf.path, "unsupported projector type '\(projector)': Loom runs LLaVA's \(Self.supportedProjectors.sorted().joined(separator: ", ")) projector (not mlp_norm, ldp, ldpv2 or others)")
        }
        for key in [GGUFKey.visionImageGridPinpoints, GGUFKey.visionPatchMergeType] where gguf.metadata[key] != nil {
            if key == GGUFKey.visionPatchMergeType, gguf.metadata[key]?.string == "flat" { continue }
            throw GGUFError(gguf.path, "\(key) is set: LLaVA-1.6's image tiling (anyres) is not supported, only LLaVA-1.5's single square image")
        }
        if gguf.tensorsByName[ClipTensor.postNormWeight] != nil {
            throw GGUFError(gguf.path, "tensor \(ClipTensor.postNormWeight) is present: a post-layer-norm after the encoder is not supported (LLaVA's towers have none)")
        }
        // Every value is checked where it is read, so an error names the key and the value.
        imageSize = try gguf.count(GGUFKey.visionImageSize)
        patchSize = try gguf.count(GGUFKey.visionPatchSize)
        try gguf.requireDivisible(GGUFKey.visionImageSize, imageSize, by: GGUFKey.visionPatchSize, patchSize)
        hidden = try gguf.count(GGUFKey.visionEmbeddingLength)
        heads = try gguf.count(GGUFKey.visionHeadCount)
        try gguf.requireDivisible(GGUFKey.visionEmbeddingLength, hidden, by: GGUFKey.visionHeadCount, heads)
        if let kv = gguf.metadata[GGUFKey.visionHeadCountKV]?.int, kv != heads {
            throw gguf.invalid(GGUFKey.visionHeadCountKV, kv, "the tower's attention has as many key/value heads as query heads (\(heads))")
        }
        if let headDim = gguf.metadata[GGUFKey.visionHeadDim]?.int, headDim != hidden / heads {
            throw gguf.invalid(GGUFKey.visionHeadDim, headDim, "a head is \(GGUFKey.visionEmbeddingLength) / \(GGUFKey.visionHeadCount) = \(hidden / heads) wide")
        }
        ffnDim = try gguf.count(GGUFKey.visionFeedForwardLength)
        // LLaVA reads the second-to-last block, so there must be two.
        blockCount = try gguf.count(GGUFKey.visionBlockCount, minimum: 2)
        layersRun = try Self.featureLayer(gguf, blockCount: blockCount)
        layerNormEpsilon = try gguf.positiveNumber(GGUFKey.visionLayerNormEpsilon)
        useGELU = gguf.metadata[GGUFKey.clipUseGELU]?.bool ?? false
        if gguf.metadata[GGUFKey.clipUseSiLU]?.bool == true {
            throw GGUFError(gguf.path, useGELU
                ? "\(GGUFKey.clipUseGELU) and \(GGUFKey.clipUseSiLU) are both true"
                : "\(GGUFKey.clipUseSiLU) is true: the tower's MLP runs GELU or quick-GELU, not SiLU")
        }
        imageMean = try Self.triple(gguf, GGUFKey.visionImageMean)
        imageStd = try Self.triple(gguf, GGUFKey.visionImageStd)
        guard imageMean.allSatisfy(\.isFinite) else {
            throw gguf.invalid(GGUFKey.visionImageMean, imageMean, "every value must be a finite number")
        }
        guard imageStd.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw gguf.invalid(GGUFKey.visionImageStd, imageStd, "every value must be a positive number")
        }
        // The projector's widths come from its tensors.
        let mm0 = try gguf.tensor(ClipTensor.projector0Weight), mm2 = try gguf.tensor(ClipTensor.projector2Weight)
        guard mm0.shape.count == 2, mm2.shape.count == 2, mm0.shape[0] == hidden, mm2.shape[0] == mm0.shape[1] else {
            throw GGUFError(gguf.path, "projector shapes \(mm0.shape) and \(mm2.shape) do not chain from hidden width \(hidden)")
        }
        projectorHidden = mm0.shape[1]
        projectionDim = mm2.shape[1]
    }

    /// The blocks to run from `clip.vision.feature_layer`: unset (or only negative, llama.cpp's "unset"),
    /// all but the last; one layer k in 1…blockCount, k blocks. Several layers (stacked side by side, as
    /// Granite Vision's towers do) are refused.
    private static func featureLayer(_ gguf: GGUFFile, blockCount: Int) throws(GGUFError) -> Int {
        guard let value = gguf.metadata[GGUFKey.visionFeatureLayer] else { return blockCount - 1 }
        guard let layers = value.array?.compactMap(\.int), layers.count == value.array?.count else {
            throw gguf.invalid(GGUFKey.visionFeatureLayer, "\(value)", "it must be an array of integers")
        }
        let set = Set(layers.filter { $0 >= 0 })
        guard let layer = set.first else { return blockCount - 1 }
        guard set.count == 1 else {
            throw gguf.invalid(GGUFKey.visionFeatureLayer, layers, "several feature layers stacked together are not supported, only one")
        }
        guard (1...blockCount).contains(layer) else {
            throw gguf.invalid(GGUFKey.visionFeatureLayer, layers, "the layer must be 1…\(GGUFKey.visionBlockCount) (\(blockCount))")
        }
        return layer
    }

    private static func triple(_ gguf: GGUFFile, _ key: String) throws(GGUFError) -> [Float] {
        let values = try gguf.require(key) { $0.array?.compactMap(\.float) }
        guard values.count == 3 else { throw GGUFError(gguf.path, "metadata key \(key) holds \(values.count) values, not 3") }
        return values
    }
}
