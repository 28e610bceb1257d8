import Engine
import GGUFTestSupport

/// A small GGUF file: a LLaMA model with a SentencePiece vocabulary, tensors of five types, and a
/// value of every type the format has.
enum GGUFBuilder {
    static let tokens = ["<unk>", "<s>", "</s>", "▁", "a", "b", "c", "▁a", "ab", "▁ab", "<|im_end|>", "<0x41>", "é", ""]

    /// A LLaMA model that loads: its configuration, its tokenizer, and five tensors of different types.
    static let model: [UInt8] = GGUFWriter(
        metadata: [
            ("general.architecture", .string("llama")),
            ("general.name", .string("fuzz")),
            ("general.alignment", .uint32(32)),
            ("llama.embedding_length", .uint32(64)),
            ("llama.block_count", .uint32(2)),
            ("llama.attention.head_count", .uint32(4)),
            ("llama.attention.head_count_kv", .uint32(2)),
            ("llama.feed_forward_length", .uint32(128)),
            ("llama.context_length", .uint64(256)),
            ("llama.rope.freq_base", .float32(10_000)),
            ("llama.rope.dimension_count", .uint32(16)),
            ("llama.attention.layer_norm_rms_epsilon", .float64(1e-5)),
            ("tokenizer.ggml.model", .string("llama")),
            ("tokenizer.ggml.tokens", .array(tokens.map { .string($0) })),
            ("tokenizer.ggml.scores", .array(tokens.indices.map { .float32(-Float($0)) })),
            ("tokenizer.ggml.token_type", .array(tokens.indices.map { .int32($0 < 3 ? [2, 3, 3][$0] : $0 == 10 ? 3 : $0 == 11 ? 6 : 1) })),
            ("tokenizer.ggml.bos_token_id", .uint32(1)),
            ("tokenizer.ggml.eos_token_id", .int64(2)),
            ("tokenizer.ggml.add_bos_token", .bool(true)),
            ("tokenizer.chat_template", .string("{% for m in messages %}{{ m.content }}{% endfor %}")),
            ("fuzz.u8", .uint8(7)), ("fuzz.i8", .int8(-7)), ("fuzz.u16", .uint16(700)), ("fuzz.i16", .int16(-700)),
            ("fuzz.u64s", .array([.uint64(1), .uint64(.max)])), ("fuzz.empty", .array([])),
        ],
        tensors: [
            GGUFWriter.Tensor(name: "token_embd.weight", shape: [8, 2], type: .f32),
            GGUFWriter.Tensor(name: "blk.0.attn_q.weight", shape: [16, 2], type: .f16),
            GGUFWriter.Tensor(name: "blk.0.attn_k.weight", shape: [32, 2, 1], type: .q4_0),
            GGUFWriter.Tensor(name: "blk.0.attn_v.weight", shape: [64, 1], type: .q8_0),
            GGUFWriter.Tensor(name: "output.weight", shape: [256, 1, 1, 1], type: .q4_K),
        ],
        patterned: true).bytes().bytes
}
