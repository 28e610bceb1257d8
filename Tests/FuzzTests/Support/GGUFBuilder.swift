import Engine

/// A small GGUF file (version 3) written from metadata and tensors: a LLaMA model with a
/// SentencePiece vocabulary, and a value of every type the format has.
enum GGUFBuilder {
    struct Tensor {
        let name: String
        let shape: [Int]
        let type: GGMLType
    }

    static func bytes(metadata: [(String, GGUFValue)], tensors: [Tensor], alignment: Int = 32) -> [UInt8] {
        var out: [UInt8] = []
        func int<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func string(_ s: String) { int(UInt64(s.utf8.count)); out.append(contentsOf: s.utf8) }
        func typeID(_ v: GGUFValue) -> UInt32 {
            switch v {
            case .uint8: 0
            case .int8: 1
            case .uint16: 2
            case .int16: 3
            case .uint32: 4
            case .int32: 5
            case .float32: 6
            case .bool: 7
            case .string: 8
            case .array: 9
            case .uint64: 10
            case .int64: 11
            case .float64: 12
            }
        }
        func value(_ v: GGUFValue) {
            switch v {
            case .uint8(let x): int(x)
            case .int8(let x): int(x)
            case .uint16(let x): int(x)
            case .int16(let x): int(x)
            case .uint32(let x): int(x)
            case .int32(let x): int(x)
            case .uint64(let x): int(x)
            case .int64(let x): int(x)
            case .float32(let x): int(x.bitPattern)
            case .float64(let x): int(x.bitPattern)
            case .bool(let x): int(UInt8(x ? 1 : 0))
            case .string(let x): string(x)
            case .array(let items):
                int(items.first.map(typeID) ?? 4)
                int(UInt64(items.count))
                items.forEach(value)
            }
        }
        int(UInt32(0x4655_4747))
        int(UInt32(3))
        int(UInt64(tensors.count))
        int(UInt64(metadata.count))
        for (key, v) in metadata {
            string(key)
            int(typeID(v))
            value(v)
        }
        var offset = 0
        var sizes: [Int] = []
        for tensor in tensors {
            string(tensor.name)
            int(UInt32(tensor.shape.count))
            tensor.shape.forEach { int(UInt64($0)) }
            int(tensor.type.rawValue)
            int(UInt64(offset))
            let size = tensor.type.rowBytes(tensor.shape[0])! * tensor.shape.dropFirst().reduce(1, *)
            sizes.append(size)
            offset += (size + alignment - 1) / alignment * alignment
        }
        out += [UInt8](repeating: 0, count: (alignment - out.count % alignment) % alignment)
        for size in sizes {
            out += (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 37) }
            out += [UInt8](repeating: 0, count: (alignment - size % alignment) % alignment)
        }
        return out
    }

    static let tokens = ["<unk>", "<s>", "</s>", "▁", "a", "b", "c", "▁a", "ab", "▁ab", "<|im_end|>", "<0x41>", "é", ""]

    /// A LLaMA model that loads: its configuration, its tokenizer, and five tensors of different types.
    static let model: [UInt8] = bytes(
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
            Tensor(name: "token_embd.weight", shape: [8, 2], type: .f32),
            Tensor(name: "blk.0.attn_q.weight", shape: [16, 2], type: .f16),
            Tensor(name: "blk.0.attn_k.weight", shape: [32, 2, 1], type: .q4_0),
            Tensor(name: "blk.0.attn_v.weight", shape: [64, 1], type: .q8_0),
            Tensor(name: "output.weight", shape: [256, 1, 1, 1], type: .q4_K),
        ])
}
