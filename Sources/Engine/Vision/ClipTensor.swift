/// Every tensor name of an mmproj file that the vision tower reads, in one place (llama.cpp's
/// `clip-impl.h` names; the file's own names, not Hugging Face's).
enum ClipTensor {
    /// Patch embedding: a convolution with stride = kernel = patch size, ggml shape [patch, patch, 3, hidden].
    static let patchEmbedding = "v.patch_embd.weight"
    /// Optional; LLaVA's CLIP has none.
    static let patchEmbeddingBias = "v.patch_embd.bias"
    static let classEmbedding = "v.class_embd"
    static let positionEmbedding = "v.position_embd.weight"
    static let preNormWeight = "v.pre_ln.weight"
    static let preNormBias = "v.pre_ln.bias"
    /// A layer norm after the last block run: llama.cpp applies it when present; LLaVA's files have none.
    static let postNormWeight = "v.post_ln.weight"

    /// Tensors of encoder block `index`.
    struct Block {
        let index: Int
        private func name(_ suffix: String) -> String { "v.blk.\(index).\(suffix)" }
        var norm1Weight: String { name("ln1.weight") }
        var norm1Bias: String { name("ln1.bias") }
        var queryWeight: String { name("attn_q.weight") }
        var queryBias: String { name("attn_q.bias") }
        var keyWeight: String { name("attn_k.weight") }
        var keyBias: String { name("attn_k.bias") }
        var valueWeight: String { name("attn_v.weight") }
        var valueBias: String { name("attn_v.bias") }
        var outputWeight: String { name("attn_out.weight") }
        var outputBias: String { name("attn_out.bias") }
        var norm2Weight: String { name("ln2.weight") }
        var norm2Bias: String { name("ln2.bias") }
        /// The FIRST MLP matrix (hidden → FFN) in files of llama.cpp's first LLaVA converter, which swapped
        /// the names; the second in today's. `mlp(legacy:)` picks.
        var ffnFirstWeight: String { name("ffn_down.weight") }
        var ffnFirstBias: String { name("ffn_down.bias") }
        /// The second MLP matrix (FFN → hidden) in the first converter's files.
        var ffnSecondWeight: String { name("ffn_up.weight") }
        var ffnSecondBias: String { name("ffn_up.bias") }

        /// (weight, bias) of the MLP's first and second matrices. llama.cpp takes the names as swapped
        /// when ffn_down's rows are `hidden` wide (ggml ne[0]), whatever else the file says.
        func mlp(legacy: Bool) -> (first: (String, String), second: (String, String)) {
            legacy ? ((ffnFirstWeight, ffnFirstBias), (ffnSecondWeight, ffnSecondBias))
                   : ((ffnSecondWeight, ffnSecondBias), (ffnFirstWeight, ffnFirstBias))
        }

        var allNames: [String] {
            [norm1Weight, norm1Bias, queryWeight, queryBias, keyWeight, keyBias, valueWeight, valueBias,
             outputWeight, outputBias, norm2Weight, norm2Bias, ffnFirstWeight, ffnFirstBias, ffnSecondWeight, ffnSecondBias]
        }
    }

    // LLaVA's two-layer MLP projector: mm.0 → GELU → mm.2.
    static let projector0Weight = "mm.0.weight"
    static let projector0Bias = "mm.0.bias"
    static let projector2Weight = "mm.2.weight"
    static let projector2Bias = "mm.2.bias"
}
