import Foundation
import Testing
import GGUFTestSupport
import TestSupport
@testable import Engine

/// Files whose hyperparameters or tensor layout no model can run with are refused at load, and the
/// error names the key (or tensor) and the value.
struct GGUFValidationTests {
    /// A small, valid LLaMA language model's metadata (no tensors: the configuration reads none).
    static let llama = GGUFWriter(metadata: [
        (GGUFKey.architecture, .string("llama")),
        ("llama.embedding_length", .uint32(64)),
        ("llama.block_count", .uint32(2)),
        ("llama.attention.head_count", .uint32(4)),
        ("llama.attention.head_count_kv", .uint32(2)),
        ("llama.feed_forward_length", .uint32(128)),
        ("llama.context_length", .uint32(256)),
        ("llama.rope.freq_base", .float32(10_000)),
        ("llama.rope.dimension_count", .uint32(16)),
        ("llama.attention.layer_norm_rms_epsilon", .float32(1e-5)),
        (GGUFKey.tokens, .array([.string("a"), .string("b"), .string("c")])),
    ])

    /// A small, valid mmproj file: the tower's metadata and the projector's two weights.
    static let clip = GGUFWriter(metadata: [
        (GGUFKey.architecture, .string("clip")),
        (GGUFKey.clipHasVisionEncoder, .bool(true)),
        (GGUFKey.clipHasLLaVAProjector, .bool(true)),
        ("clip.vision.image_size", .uint32(56)),
        ("clip.vision.patch_size", .uint32(14)),
        ("clip.vision.embedding_length", .uint32(32)),
        ("clip.vision.attention.head_count", .uint32(4)),
        ("clip.vision.feed_forward_length", .uint32(64)),
        ("clip.vision.block_count", .uint32(3)),
        ("clip.vision.attention.layer_norm_epsilon", .float32(1e-5)),
        ("clip.vision.image_mean", .array([.float32(0.5), .float32(0.5), .float32(0.5)])),
        ("clip.vision.image_std", .array([.float32(0.25), .float32(0.25), .float32(0.25)])),
    ], tensors: [.init(name: "mm.0.weight", shape: [32, 64]), .init(name: "mm.2.weight", shape: [64, 48])])

    static func llamaError(_ file: GGUFWriter) throws -> GGUFError {
        let path = try file.write()
        let error = try #require(throws: GGUFError.self) { try LlamaConfig(gguf: GGUFFile(path: path)) }
        #expect(error.path == path)
        return error
    }

    static func clipError(_ file: GGUFWriter) throws -> GGUFError {
        let path = try file.write()
        let error = try #require(throws: GGUFError.self) { try VisionConfig(gguf: GGUFFile(path: path)) }
        #expect(error.path == path)
        return error
    }

    static func openError(_ file: GGUFWriter) throws -> GGUFError {
        let path = try file.write()
        let error = try #require(throws: GGUFError.self) { try GGUFFile(path: path) }
        #expect(error.path == path)
        return error
    }

    @Test func validFilesLoad() throws {
        let c = try LlamaConfig(gguf: GGUFFile(path: Self.llama.write()))
        #expect(c.dim == 64 && c.layers == 2 && c.heads == 4 && c.kvHeads == 2 && c.headDim == 16 && c.ffnDim == 128)
        #expect(c.contextLength == 256 && c.vocabSize == 3 && c.ropeDim == 16 && c.ropeBase == 10_000 && c.rmsEpsilon == 1e-5)
        // Optional keys fall back: kv heads to heads, RoPE over the whole head, llama.cpp's base and epsilon.
        let bare = Self.llama.without("llama.attention.head_count_kv").without("llama.rope.dimension_count")
            .without("llama.rope.freq_base").without("llama.attention.layer_norm_rms_epsilon")
        let d = try LlamaConfig(gguf: GGUFFile(path: bare.write()))
        #expect(d.kvHeads == 4 && d.ropeDim == 16 && d.ropeBase == 10_000 && d.rmsEpsilon == 1e-5)

        let v = try VisionConfig(gguf: GGUFFile(path: Self.clip.write()))
        #expect(v.hidden == 32 && v.heads == 4 && v.blockCount == 3 && v.layerNormEpsilon == 1e-5)
        #expect(v.projectorHidden == 64 && v.projectionDim == 48)
    }

    static let llamaDefects: [(String, GGUFValue, String)] = [
        ("llama.attention.layer_norm_rms_epsilon", .float32(.nan), "llama.attention.layer_norm_rms_epsilon is nan; it must be a positive number"),
        ("llama.attention.layer_norm_rms_epsilon", .float32(.infinity), "llama.attention.layer_norm_rms_epsilon is inf; it must be a positive number"),
        ("llama.attention.layer_norm_rms_epsilon", .float32(0), "llama.attention.layer_norm_rms_epsilon is 0.0; it must be a positive number"),
        ("llama.attention.layer_norm_rms_epsilon", .float32(-1e-5), "llama.attention.layer_norm_rms_epsilon is -1e-05; it must be a positive number"),
        ("llama.attention.layer_norm_rms_epsilon", .float64(.nan), "llama.attention.layer_norm_rms_epsilon is nan; it must be a positive number"),
        ("llama.attention.layer_norm_rms_epsilon", .string("1e-5"), "metadata key llama.attention.layer_norm_rms_epsilon has an unexpected type"),
        ("llama.rope.freq_base", .float32(0), "llama.rope.freq_base is 0.0; it must be a positive number"),
        ("llama.rope.freq_base", .float32(.infinity), "llama.rope.freq_base is inf; it must be a positive number"),
        ("llama.rope.freq_base", .float32(-.infinity), "llama.rope.freq_base is -inf; it must be a positive number"),
        ("llama.rope.freq_base", .float32(.nan), "llama.rope.freq_base is nan; it must be a positive number"),
        ("llama.rope.dimension_count", .uint32(0), "llama.rope.dimension_count is 0; it must be positive"),
        ("llama.rope.dimension_count", .uint32(18),
         "llama.rope.dimension_count is 18; it must be even and at most the head size 16 (llama.embedding_length 64 / llama.attention.head_count 4)"),
        ("llama.rope.dimension_count", .uint32(7),
         "llama.rope.dimension_count is 7; it must be even and at most the head size 16 (llama.embedding_length 64 / llama.attention.head_count 4)"),
        ("llama.context_length", .uint32(0), "llama.context_length is 0; it must be positive"),
        ("llama.block_count", .uint32(0), "llama.block_count is 0; it must be positive"),
        ("llama.block_count", .int32(-1), "llama.block_count is -1; it must be positive"),
        ("llama.attention.head_count", .uint32(0), "llama.attention.head_count is 0; it must be positive"),
        ("llama.attention.head_count_kv", .uint32(0), "llama.attention.head_count_kv is 0; it must be positive"),
        ("llama.embedding_length", .uint32(0), "llama.embedding_length is 0; it must be positive"),
        ("llama.feed_forward_length", .uint32(0), "llama.feed_forward_length is 0; it must be positive"),
        ("llama.vocab_size", .uint32(0), "llama.vocab_size is 0; it must be positive"),
        ("llama.attention.head_count", .uint32(5), "llama.embedding_length 64 is not a multiple of llama.attention.head_count 5"),
        ("llama.attention.head_count_kv", .uint32(3), "llama.attention.head_count 4 is not a multiple of llama.attention.head_count_kv 3"),
        ("llama.attention.head_count_kv", .uint32(8), "llama.attention.head_count 4 is not a multiple of llama.attention.head_count_kv 8"),
    ]

    @Test(arguments: llamaDefects) func refusesABadLanguageModelValue(key: String, value: GGUFValue, message: String) throws {
        #expect(try Self.llamaError(Self.llama.with(key, value)).reason == message)
    }

    @Test func refusesAModelWithoutAVocabulary() throws {
        #expect(try Self.llamaError(Self.llama.without(GGUFKey.tokens)).reason
            == "no vocabulary size: neither llama.vocab_size nor tokenizer.ggml.tokens is present")
        #expect(try Self.llamaError(Self.llama.with(GGUFKey.tokens, .array([]))).reason
            == "tokenizer.ggml.tokens is empty; it must hold the vocabulary")
    }

    static let clipDefects: [(String, GGUFValue, String)] = [
        ("clip.vision.attention.layer_norm_epsilon", .float32(.nan), "clip.vision.attention.layer_norm_epsilon is nan; it must be a positive number"),
        ("clip.vision.attention.layer_norm_epsilon", .float32(.infinity), "clip.vision.attention.layer_norm_epsilon is inf; it must be a positive number"),
        ("clip.vision.attention.layer_norm_epsilon", .float32(0), "clip.vision.attention.layer_norm_epsilon is 0.0; it must be a positive number"),
        ("clip.vision.attention.layer_norm_epsilon", .float32(-1e-6), "clip.vision.attention.layer_norm_epsilon is -1e-06; it must be a positive number"),
        ("clip.vision.image_size", .uint32(0), "clip.vision.image_size is 0; it must be positive"),
        ("clip.vision.patch_size", .uint32(0), "clip.vision.patch_size is 0; it must be positive"),
        ("clip.vision.patch_size", .uint32(15), "clip.vision.image_size 56 is not a multiple of clip.vision.patch_size 15"),
        ("clip.vision.embedding_length", .uint32(0), "clip.vision.embedding_length is 0; it must be positive"),
        ("clip.vision.attention.head_count", .uint32(0), "clip.vision.attention.head_count is 0; it must be positive"),
        ("clip.vision.attention.head_count", .uint32(5), "clip.vision.embedding_length 32 is not a multiple of clip.vision.attention.head_count 5"),
        ("clip.vision.feed_forward_length", .uint32(0), "clip.vision.feed_forward_length is 0; it must be positive"),
        ("clip.vision.block_count", .uint32(1), "clip.vision.block_count is 1; it must be at least 2"),
        ("clip.vision.image_std", .array([.float32(0.25), .float32(0), .float32(0.25)]),
         "clip.vision.image_std is [0.25, 0.0, 0.25]; every value must be a positive number"),
        ("clip.vision.image_mean", .array([.float32(0.5), .float32(.nan), .float32(0.5)]),
         "clip.vision.image_mean is [0.5, nan, 0.5]; every value must be a finite number"),
    ]

    @Test(arguments: clipDefects) func refusesABadVisionTowerValue(key: String, value: GGUFValue, message: String) throws {
        #expect(try Self.clipError(Self.clip.with(key, value)).reason == message)
    }

    // MARK: Tensor layout

    static let oneTensor = GGUFWriter(metadata: [(GGUFKey.architecture, .string("llama"))],
                                      tensors: [.init(name: "blk.0.attn_q.weight", shape: [4, 4])])

    @Test func refusesAMisalignedTensor() throws {
        var file = Self.oneTensor
        file.tensors[0].offset = 1234
        #expect(try Self.openError(file).reason == "tensor blk.0.attn_q.weight: data offset 1234 is not a multiple of the alignment 32")
        // The alignment the file declares.
        file = file.with(GGUFKey.alignment, .uint32(64))
        file.alignment = 64
        file.tensors[0].offset = 96
        #expect(try Self.openError(file).reason == "tensor blk.0.attn_q.weight: data offset 96 is not a multiple of the alignment 64")
        // An aligned offset past zero loads.
        file.tensors[0].offset = 128
        let gguf = try GGUFFile(path: file.write())
        #expect(try gguf.tensor("blk.0.attn_q.weight").offset == file.bytes().dataStart + 128)
    }

    @Test func refusesAnAlignmentThatIsNotAPowerOfTwo() throws {
        #expect(try Self.openError(Self.oneTensor.with(GGUFKey.alignment, .uint32(48))).reason == "general.alignment is 48; it must be a power of two")
        #expect(try Self.openError(Self.oneTensor.with(GGUFKey.alignment, .uint32(0))).reason == "general.alignment is 0; it must be a power of two")
        #expect(try Self.openError(Self.oneTensor.with(GGUFKey.alignment, .string("32"))).reason
            == "metadata key general.alignment has an unexpected type")
    }

    @Test func refusesATensorPastTheEndOfTheFile() throws {
        var file = Self.oneTensor
        file.dataBytes = 60  // the tensor needs 64
        let (bytes, dataStart) = file.bytes()
        #expect(try Self.openError(file).reason
            == "tensor blk.0.attn_q.weight: data of 64 bytes (F32 [4, 4]) at file offset \(dataStart) runs past the end of the file (\(bytes.count) bytes)")
        // An offset beyond the file.
        file.tensors[0].offset = 1 << 20
        #expect(try Self.openError(file).reason == "tensor blk.0.attn_q.weight: data offset 1048576 is past the end of the file (\(bytes.count) bytes)")
        // A size that does not fit in an Int.
        file = Self.oneTensor
        file.tensors = [.init(name: "huge", shape: [1 << 39, 1 << 39, 2], offset: 0)]
        file.dataBytes = 64
        let huge = try Self.openError(file)
        #expect(huge.reason.hasPrefix("tensor huge: data of more than 9223372036854775807 bytes (F32 [549755813888, 549755813888, 2])"), "\(huge)")
        // Exactly enough loads.
        file = Self.oneTensor
        file.dataBytes = 64
        #expect(try GGUFFile(path: file.write()).tensors.map(\.byteCount) == [64])
    }

    // MARK: Real files

    @Test(.requires(.sharedFixtures)) func theTinyFixturesLoad() throws {
        let llama = try LlamaConfig(gguf: GGUFFile(path: Fixtures.path("tiny-llava/tiny-llama-f32.gguf")))
        #expect(llama.layers > 0 && llama.rmsEpsilon > 0 && llama.ropeBase > 0)
        let clip = try VisionConfig(gguf: GGUFFile(path: Fixtures.path("tiny-llava/tiny-mmproj-f32.gguf")))
        #expect(clip.layerNormEpsilon > 0)
    }

    @Test(.requires(.smolLM2)) func theDefaultModelLoads() throws {
        let config = try LlamaConfig(gguf: Fixtures.smolLM2())
        #expect(config.layers == 30 && config.dim == 576 && config.heads == 9 && config.kvHeads == 3)
    }
}
