/// A LLaMA-architecture decoder (LLaMA, Vicuna, SmolLM2): RMSNorm, RoPE, grouped-query attention,
/// SwiGLU, tied or untied output head.
///
/// `forward` takes one flat batch of tokens from many sequences at different positions and runs every
/// linear layer once over all of them; attention runs per token over its own sequence's KV blocks.
/// Three kinds of state, never mixed: `config`, `weights` (views into the mapped file) and `state`
/// (scratch allocated once, for at most `maxBatchTokens` tokens and `maxLogitRows` logit rows).
public final class LlamaModel {
    public let config: LlamaConfig
    public let maxBatchTokens: Int
    public let maxLogitRows: Int
    let weights: LlamaWeights
    let rotary: RotaryTable
    let pool: ComputePool
    let matmul: MatmulContext
    let state: RunState
    /// Kept alive: the weights point into its mapping.
    public let gguf: GGUFFile

    public init(gguf: GGUFFile, pool: ComputePool, maxBatchTokens: Int = 512, maxLogitRows: Int = 64) throws(GGUFError) {
        self.gguf = gguf
        config = try LlamaConfig(gguf: gguf)
        weights = try LlamaWeights(gguf: gguf, config: config)
        rotary = RotaryTable(ropeDim: config.ropeDim, base: config.ropeBase, positions: config.contextLength)
        self.pool = pool
        matmul = MatmulContext(pool: pool, maxBatch: max(maxBatchTokens, maxLogitRows), maxCols: max(config.dim, config.ffnDim))
        self.maxBatchTokens = maxBatchTokens
        self.maxLogitRows = maxLogitRows
        state = RunState(config: config, maxTokens: maxBatchTokens, maxLogitRows: maxLogitRows, threads: pool.threadCount)
    }

    /// Runs one step. Every slot in `batch` must already hold KV blocks for its positions
    /// (`KVCache.reserve`). Returns the logits of `batch.logitEntries`, (count, vocabSize) row-major,
    /// valid until the next call.
    public func forward(_ batch: DecoderBatch, kv: KVCache) -> UnsafeBufferPointer<Float> {
        let n = batch.count
        precondition(n <= maxBatchTokens && batch.logitEntries.count <= maxLogitRows, "batch exceeds the sizes the model was built for")
        let c = config, s = state
        let dim = c.dim, kvDim = c.kvDim

        // Inputs: token embeddings, or the given embedding rows (image positions).
        batch.embeddings.withUnsafeBufferPointer { given in
            for i in 0..<n {
                let input = Int(batch.inputs[i])
                if input >= 0 {
                    weights.tokenEmbedding.dequantizeRow(input, into: s.x + i * dim)
                } else {
                    (s.x + i * dim).update(from: given.baseAddress! + (-1 - input) * dim, count: dim)
                }
            }
        }

        let cache = kv.view
        for (l, layer) in weights.layers.enumerated() {
            // Attention block
            for i in 0..<n { rmsNorm(s.x + i * dim, layer.attentionNorm, s.xb + i * dim, n: dim, eps: c.rmsEpsilon) }
            matmul.multiply(s.xb, batch: n, into: [
                MatmulTarget(layer.query, into: s.q), MatmulTarget(layer.key, into: s.k), MatmulTarget(layer.value, into: s.v),
            ])
            for i in 0..<n {
                let slot = Int(batch.slots[i]), position = Int(batch.positions[i])
                rotary.apply(s.q + i * dim, heads: c.heads, headDim: c.headDim, position: position)
                rotary.apply(s.k + i * kvDim, heads: c.kvHeads, headDim: c.headDim, position: position)
                loom_f32_to_f16(s.k + i * kvDim, cache.row(slot: slot, position: position, layer: l, kind: 0), Int32(kvDim))
                loom_f32_to_f16(s.v + i * kvDim, cache.row(slot: slot, position: position, layer: l, kind: 1), Int32(kvDim))
                // Queries meet half-precision keys in half precision, as in llama.cpp.
                loom_round_to_f16(s.q + i * dim, Int32(dim))
            }
            attention(batch, layer: l, cache: cache)
            matmul.multiply(layer.output, s.attention, batch: n, into: s.xb)
            for i in 0..<n { add(s.x + i * dim, s.xb + i * dim, n: dim) }

            // Feed-forward block (SwiGLU)
            for i in 0..<n { rmsNorm(s.x + i * dim, layer.ffnNorm, s.xb + i * dim, n: dim, eps: c.rmsEpsilon) }
            matmul.multiply(s.xb, batch: n, into: [MatmulTarget(layer.gate, into: s.gate), MatmulTarget(layer.up, into: s.up)])
            siluMultiply(s.gate, s.up, n: n * c.ffnDim)
            matmul.multiply(layer.down, s.gate, batch: n, into: s.xb)
            for i in 0..<n { add(s.x + i * dim, s.xb + i * dim, n: dim) }
        }

        // Logits only where asked: the output head is the largest matrix of a small model.
        let rows = batch.logitEntries.count
        for (r, entry) in batch.logitEntries.enumerated() {
            rmsNorm(s.x + Int(entry) * dim, weights.outputNorm, s.xb + r * dim, n: dim, eps: c.rmsEpsilon)
        }
        if rows > 0 { matmul.multiply(weights.output, s.xb, batch: rows, into: s.logits) }
        return UnsafeBufferPointer(start: s.logits, count: rows * c.vocabSize)
    }

    // MARK: Attention — the hot spot besides the matrix products.

    /// For every token and KV head: scores against every earlier position of the token's own sequence
    /// (causal), softmax, weighted sum of values, for the `groupSize` query heads sharing that KV head.
    private func attention(_ batch: DecoderBatch, layer: Int, cache: KVCache.View) {
        let c = config, s = state.view
        batch.positions.withUnsafeBufferPointer { positions in
            batch.slots.withUnsafeBufferPointer { slots in
                let positions = SendablePointer(positions.baseAddress!), slots = SendablePointer(slots.baseAddress!)
                pool.parallelFor(batch.count * c.kvHeads) { task, thread in
                    let i = task / c.kvHeads, group = task % c.kvHeads
                    let scores = s.scores + thread * c.groupSize * c.contextLength
                    for h in 0..<c.groupSize {
                        let head = group * c.groupSize + h
                        Self.attend(query: s.q + i * c.dim + head * c.headDim, group: group, layer: layer,
                                    slot: Int(slots.pointer[i]), length: Int(positions.pointer[i]) + 1, cache: cache,
                                    config: c, scores: scores + h * c.contextLength,
                                    out: s.attention + i * c.dim + head * c.headDim)
                    }
                }
            }
        }
    }

    /// One query head over the first `length` positions of its sequence's K and V (half precision).
    @inline(__always)
    private static func attend(query: UnsafeMutablePointer<Float>, group: Int, layer: Int, slot: Int, length: Int,
                               cache: KVCache.View, config c: LlamaConfig, scores: UnsafeMutablePointer<Float>,
                               out: UnsafeMutablePointer<Float>) {
        let scale = 1 / Float(c.headDim).squareRoot()
        var maxScore = -Float.infinity
        for start in stride(from: 0, to: length, by: cache.blockSize) {
            let keys = cache.panel(block: cache.block(slot: slot, index: start / cache.blockSize), layer: layer, kind: 0) + group * c.headDim
            for p in start..<min(length, start + cache.blockSize) {
                let score = loom_dot_f16_f32(keys + (p - start) * c.kvDim, query, Int32(c.headDim)) * scale
                scores[p] = score
                maxScore = max(maxScore, score)
            }
        }
        var sum: Float = 0
        for p in 0..<length {
            let e = expf(scores[p] - maxScore)
            scores[p] = e
            sum += e
        }
        let inv = 1 / sum
        for p in 0..<length { scores[p] *= inv }
        // The weights meet half-precision values in half precision, as in llama.cpp.
        loom_round_to_f16(scores, Int32(length))
        out.update(repeating: 0, count: c.headDim)
        for start in stride(from: 0, to: length, by: cache.blockSize) {
            let values = cache.panel(block: cache.block(slot: slot, index: start / cache.blockSize), layer: layer, kind: 1) + group * c.headDim
            for p in start..<min(length, start + cache.blockSize) {
                loom_axpy_f16(scores[p], values + (p - start) * c.kvDim, out, Int32(c.headDim))
            }
        }
    }
}

import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pointer handed to pool workers that only read through it during one parallel call.
struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafePointer<T>
    init(_ pointer: UnsafePointer<T>) { self.pointer = pointer }
}
