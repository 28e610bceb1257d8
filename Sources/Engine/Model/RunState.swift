import CKernels

/// Scratch buffers for one forward pass, allocated once for the largest batch: nothing is allocated
/// inside `forward`.
final class RunState {
    let x: UnsafeMutablePointer<Float>          // (tokens, dim) residual stream
    let xb: UnsafeMutablePointer<Float>         // (tokens, dim) normed input / layer output
    let q: UnsafeMutablePointer<Float>          // (tokens, dim)
    let k: UnsafeMutablePointer<Float>          // (tokens, kvDim)
    let v: UnsafeMutablePointer<Float>          // (tokens, kvDim)
    let attention: UnsafeMutablePointer<Float>  // (tokens, dim) attention output before Wo
    let gate: UnsafeMutablePointer<Float>       // (tokens, ffn)
    let up: UnsafeMutablePointer<Float>         // (tokens, ffn)
    let scores: UnsafeMutablePointer<Float>     // (threads, scoresPerThread) attention weights and a chunk's scratch
    let logits: UnsafeMutablePointer<Float>     // (logit rows, vocab)
    private let buffers: [UnsafeMutablePointer<Float>]

    init(config c: LlamaConfig, maxTokens t: Int, maxLogitRows: Int, threads: Int) {
        x = .allocate(capacity: t * c.dim)
        xb = .allocate(capacity: max(t, maxLogitRows) * c.dim)
        q = .allocate(capacity: t * c.dim)
        k = .allocate(capacity: t * c.kvDim)
        v = .allocate(capacity: t * c.kvDim)
        attention = .allocate(capacity: t * c.dim)
        gate = .allocate(capacity: t * c.ffnDim)
        up = .allocate(capacity: t * c.ffnDim)
        scores = .allocate(capacity: threads * Self.scoresPerThread(c))
        logits = .allocate(capacity: maxLogitRows * c.vocabSize)
        buffers = [x, xb, q, k, v, attention, gate, up, scores, logits]
    }

    deinit { buffers.forEach { $0.deallocate() } }

    /// Tokens of one sequence whose attention is computed together (`loom_attention_chunk`).
    static let attentionChunk = 16

    /// One thread's attention scratch: a token's weights for its query heads, or a chunk's queries,
    /// weights and outputs.
    static func scoresPerThread(_ c: LlamaConfig) -> Int {
        max(c.groupSize * c.contextLength,
            loom_attention_chunk_scratch(Int32(attentionChunk), Int32(c.groupSize), Int32(c.headDim), Int32(c.contextLength)))
    }

    /// The buffers pool workers touch, as a Sendable bundle.
    var view: View { View(q: q, attention: attention, scores: scores) }

    struct View: @unchecked Sendable {  // each worker writes disjoint rows during one parallel call
        let q: UnsafeMutablePointer<Float>
        let attention: UnsafeMutablePointer<Float>
        let scores: UnsafeMutablePointer<Float>
    }
}
