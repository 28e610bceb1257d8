import Testing
import GGUFTestSupport
@testable import Engine

/// The CLIP keys llama.cpp reads for LLaVA towers: taken when Loom runs what they ask for, refused with
/// the key (or type) named when it does not.
struct VisionConfigKeysTests {
    static let clip = GGUFValidationTests.clip

    static func config(_ file: GGUFWriter) throws -> VisionConfig {
        try VisionConfig(gguf: GGUFFile(path: file.write()))
    }

    static func refusal(_ file: GGUFWriter) throws -> String {
        try GGUFValidationTests.clipError(file).reason
    }

    @Test func projectorTypeFromEitherKeyAndTheLLaVAFlagOptional() throws {
        #expect(try Self.config(Self.clip).layersRun == 2)
        // Today's converters write no clip.has_llava_projector; some the vision projector type only.
        let modern = Self.clip.without(GGUFKey.clipHasLLaVAProjector).with(GGUFKey.clipProjectorType, .string("mlp"))
        #expect(try Self.config(modern).projectionDim == 48)
        #expect(try Self.config(Self.clip.with(GGUFKey.visionProjectorType, .string("mlp"))).projectionDim == 48)
        for type in ["mlp_norm", "ldp", "ldpv2", "resampler"] {
            #expect(try Self.refusal(Self.clip.with(GGUFKey.clipProjectorType, .string(type))).contains("unsupported projector type '\(type)'"))
        }
        #expect(try Self.refusal(Self.clip.with(GGUFKey.visionProjectorType, .string("ldp"))).contains("'ldp'"))
        #expect(try Self.refusal(Self.clip.with(GGUFKey.clipHasLLaVAProjector, .bool(false))).contains("no LLaVA projector"))
    }

    @Test func epsilonActivationAndHeads() throws {
        let c = try Self.config(Self.clip.with(GGUFKey.visionLayerNormEpsilon, .float32(1e-6)).with(GGUFKey.clipUseGELU, .bool(true)))
        #expect(c.layerNormEpsilon == 1e-6 && c.useGELU)
        #expect(try Self.config(Self.clip.with(GGUFKey.clipUseSiLU, .bool(false))).useGELU == false)
        #expect(try Self.refusal(Self.clip.with(GGUFKey.clipUseSiLU, .bool(true))).contains("not SiLU"))
        #expect(try Self.refusal(Self.clip.with(GGUFKey.clipUseSiLU, .bool(true)).with(GGUFKey.clipUseGELU, .bool(true)))
            .contains("both true"))
        #expect(try Self.config(Self.clip.with(GGUFKey.visionHeadCountKV, .uint32(4)).with(GGUFKey.visionHeadDim, .uint32(8))).headDim == 8)
        #expect(try Self.refusal(Self.clip.with(GGUFKey.visionHeadCountKV, .uint32(2))).contains(GGUFKey.visionHeadCountKV))
        #expect(try Self.refusal(Self.clip.with(GGUFKey.visionHeadDim, .uint32(16))).contains(GGUFKey.visionHeadDim))
    }

    @Test func featureLayer() throws {
        func layers(_ values: [Int32]) -> GGUFWriter { Self.clip.with(GGUFKey.visionFeatureLayer, .array(values.map { .int32($0) })) }
        #expect(try Self.config(layers([3])).layersRun == 3)
        #expect(try Self.config(layers([1])).layersRun == 1)
        #expect(try Self.config(layers([-1])).layersRun == 2)
        #expect(try Self.config(layers([2, 2, -1])).layersRun == 2)
        #expect(try Self.refusal(layers([1, 2])).contains("several feature layers"))
        #expect(try Self.refusal(layers([4])).contains(GGUFKey.visionFeatureLayer))
        #expect(try Self.refusal(layers([0])).contains(GGUFKey.visionFeatureLayer))
    }

    @Test func refusesWhatLLaVA15DoesNotHave() throws {
        #expect(try Self.refusal(Self.clip.with(GGUFKey.visionPatchMergeType, .string("spatial_unpad"))).contains("anyres"))
        #expect(try Self.config(Self.clip.with(GGUFKey.visionPatchMergeType, .string("flat"))).layersRun == 2)
        #expect(try Self.refusal(Self.clip.with(GGUFKey.visionImageGridPinpoints, .array([.int32(336), .int32(672)]))).contains("anyres"))
        var postNorm = Self.clip
        postNorm.tensors.append(.init(name: "v.post_ln.weight", shape: [32]))
        #expect(try Self.refusal(postNorm).contains("v.post_ln.weight"))
    }
}
