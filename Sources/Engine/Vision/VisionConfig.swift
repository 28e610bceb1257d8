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
    /// LLaVA takes the features of the second-to-last block.
    public var layersRun: Int { blockCount - 1 }

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
        guard gguf.metadata[GGUFKey.clipHasLLaVAProjector]?.bool == true else {
            throw GGUFError(gguf.path, "no LLaVA projector (\(GGUFKey.clipHasLLaVAProjector) is not true): Loom runs LLaVA mmproj files")
        }
        // llama.cpp takes a file without the key to hold the MLP projector.
        let projector = gguf.metadata[GGUFKey.clipProjectorType]?.string ?? "mlp"
        guard Self.supportedProjectors.contains(projector) else {
            throw GGUFError(gguf.path, "unsupported projector type '\(projector)': Loom runs LLaVA's \(Self.supportedProjectors.sorted().joined(separator: ", ")) projector")
        }
        // Every value is checked where it is read, so an error names the key and the value.
        imageSize = try gguf.count(GGUFKey.visionImageSize)
        patchSize = try gguf.count(GGUFKey.visionPatchSize)
        try gguf.requireDivisible(GGUFKey.visionImageSize, imageSize, by: GGUFKey.visionPatchSize, patchSize)
        hidden = try gguf.count(GGUFKey.visionEmbeddingLength)
        heads = try gguf.count(GGUFKey.visionHeadCount)
        try gguf.requireDivisible(GGUFKey.visionEmbeddingLength, hidden, by: GGUFKey.visionHeadCount, heads)
        ffnDim = try gguf.count(GGUFKey.visionFeedForwardLength)
        // LLaVA reads the second-to-last block, so there must be two.
        blockCount = try gguf.count(GGUFKey.visionBlockCount, minimum: 2)
        layerNormEpsilon = try gguf.positiveNumber(GGUFKey.visionLayerNormEpsilon)
        useGELU = gguf.metadata[GGUFKey.clipUseGELU]?.bool ?? false
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

    private static func triple(_ gguf: GGUFFile, _ key: String) throws(GGUFError) -> [Float] {
        let values = try gguf.require(key) { $0.array?.compactMap(\.float) }
        guard values.count == 3 else { throw GGUFError(gguf.path, "metadata key \(key) holds \(values.count) values, not 3") }
        return values
    }
}
