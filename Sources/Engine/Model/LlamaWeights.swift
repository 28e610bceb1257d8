/// Views into the mapped GGUF file, named as llama.cpp's converters name them; this is the one place
/// that maps tensor names to roles.
struct LlamaWeights {
    struct Layer {
        let attentionNorm: UnsafePointer<Float>  // (dim)
        let query: WeightMatrix                  // (dim, dim)
        let key: WeightMatrix                    // (kvDim, dim)
        let value: WeightMatrix                  // (kvDim, dim)
        let output: WeightMatrix                 // (dim, dim)
        let ffnNorm: UnsafePointer<Float>        // (dim)
        let gate: WeightMatrix                   // (ffn, dim)
        let up: WeightMatrix                     // (ffn, dim)
        let down: WeightMatrix                   // (dim, ffn)
    }

    let tokenEmbedding: WeightMatrix  // (vocab, dim)
    let layers: [Layer]
    let outputNorm: UnsafePointer<Float>  // (dim)
    let output: WeightMatrix          // (vocab, dim); the token embedding when tied

    init(gguf: GGUFFile, config c: LlamaConfig) throws(GGUFError) {
        func matrix(_ name: String, rows: Int, cols: Int) throws(GGUFError) -> WeightMatrix {
            let m = try WeightMatrix(gguf: gguf, name: name)
            guard m.rows == rows, m.cols == cols else {
                throw GGUFError(gguf.path, "tensor \(name) is \(m.rows)×\(m.cols), expected \(rows)×\(cols)")
            }
            return m
        }
        func vector(_ name: String) throws(GGUFError) -> UnsafePointer<Float> {
            let info = try gguf.tensor(name)
            guard info.type == .f32, info.elementCount == c.dim else {
                throw GGUFError(gguf.path, "tensor \(name) must be F32 of \(c.dim) values, is \(info.type) \(info.shape)")
            }
            return gguf.data(info).assumingMemoryBound(to: Float.self)
        }
        tokenEmbedding = try matrix("token_embd.weight", rows: c.vocabSize, cols: c.dim)
        outputNorm = try vector("output_norm.weight")
        output = gguf.tensorsByName["output.weight"] == nil
            ? tokenEmbedding : try matrix("output.weight", rows: c.vocabSize, cols: c.dim)
        var layers: [Layer] = []
        for i in 0..<c.layers {
            let p = "blk.\(i)."
            layers.append(Layer(
                attentionNorm: try vector(p + "attn_norm.weight"),
                query: try matrix(p + "attn_q.weight", rows: c.dim, cols: c.dim),
                key: try matrix(p + "attn_k.weight", rows: c.kvDim, cols: c.dim),
                value: try matrix(p + "attn_v.weight", rows: c.kvDim, cols: c.dim),
                output: try matrix(p + "attn_output.weight", rows: c.dim, cols: c.dim),
                ffnNorm: try vector(p + "ffn_norm.weight"),
                gate: try matrix(p + "ffn_gate.weight", rows: c.ffnDim, cols: c.dim),
                up: try matrix(p + "ffn_up.weight", rows: c.ffnDim, cols: c.dim),
                down: try matrix(p + "ffn_down.weight", rows: c.dim, cols: c.ffnDim)))
        }
        self.layers = layers
    }
}
