/// Every GGUF metadata key the engine reads, in one place (llama.cpp's names).
public enum GGUFKey {
    public static let architecture = "general.architecture"
    public static let name = "general.name"
    public static let alignment = "general.alignment"

    // Language model; `arch` is the value of general.architecture (e.g. "llama").
    public static func contextLength(_ arch: String) -> String { "\(arch).context_length" }
    public static func embeddingLength(_ arch: String) -> String { "\(arch).embedding_length" }
    public static func blockCount(_ arch: String) -> String { "\(arch).block_count" }
    public static func feedForwardLength(_ arch: String) -> String { "\(arch).feed_forward_length" }
    public static func headCount(_ arch: String) -> String { "\(arch).attention.head_count" }
    public static func headCountKV(_ arch: String) -> String { "\(arch).attention.head_count_kv" }
    public static func rmsEpsilon(_ arch: String) -> String { "\(arch).attention.layer_norm_rms_epsilon" }
    public static func ropeFreqBase(_ arch: String) -> String { "\(arch).rope.freq_base" }
    public static func ropeDimensionCount(_ arch: String) -> String { "\(arch).rope.dimension_count" }
    public static func vocabSize(_ arch: String) -> String { "\(arch).vocab_size" }

    // Tokenizer
    public static let tokenizerModel = "tokenizer.ggml.model"
    public static let tokenizerPre = "tokenizer.ggml.pre"
    public static let tokens = "tokenizer.ggml.tokens"
    public static let tokenTypes = "tokenizer.ggml.token_type"
    public static let scores = "tokenizer.ggml.scores"
    public static let merges = "tokenizer.ggml.merges"
    public static let bosID = "tokenizer.ggml.bos_token_id"
    public static let eosID = "tokenizer.ggml.eos_token_id"
    public static let unknownID = "tokenizer.ggml.unknown_token_id"
    public static let eotID = "tokenizer.ggml.eot_token_id"
    public static let eomID = "tokenizer.ggml.eom_token_id"
    public static let paddingID = "tokenizer.ggml.padding_token_id"
    public static let addBOS = "tokenizer.ggml.add_bos_token"
    public static let addEOS = "tokenizer.ggml.add_eos_token"
    public static let addSpacePrefix = "tokenizer.ggml.add_space_prefix"
    public static let chatTemplate = "tokenizer.chat_template"

    // Vision tower and projector (mmproj files, general.architecture "clip")
    public static let clipHasVisionEncoder = "clip.has_vision_encoder"
    public static let clipHasLLaVAProjector = "clip.has_llava_projector"
    public static let clipProjectorType = "clip.projector_type"
    /// Where files with several modalities keep the vision projector's type (read when clip.projector_type is absent).
    public static let visionProjectorType = "clip.vision.projector_type"
    public static let clipUseGELU = "clip.use_gelu"
    public static let clipUseSiLU = "clip.use_silu"
    public static let visionHeadCountKV = "clip.vision.attention.head_count_kv"
    public static let visionHeadDim = "clip.vision.attention.head_dim"
    /// Which encoder layers' outputs the projector takes (0 is the encoder's input); unset: all but the last.
    public static let visionFeatureLayer = "clip.vision.feature_layer"
    /// LLaVA-1.6's tiling ("anyres") and patch merging.
    public static let visionImageGridPinpoints = "clip.vision.image_grid_pinpoints"
    public static let visionPatchMergeType = "clip.vision.mm_patch_merge_type"
    public static let visionImageSize = "clip.vision.image_size"
    public static let visionPatchSize = "clip.vision.patch_size"
    public static let visionEmbeddingLength = "clip.vision.embedding_length"
    public static let visionFeedForwardLength = "clip.vision.feed_forward_length"
    public static let visionProjectionDim = "clip.vision.projection_dim"
    public static let visionHeadCount = "clip.vision.attention.head_count"
    public static let visionLayerNormEpsilon = "clip.vision.attention.layer_norm_epsilon"
    public static let visionBlockCount = "clip.vision.block_count"
    public static let visionImageMean = "clip.vision.image_mean"
    public static let visionImageStd = "clip.vision.image_std"
}
