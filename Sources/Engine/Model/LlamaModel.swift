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
    let state: RunState
    /// Kept alive: the weights point into its mapping.
    public let gguf: GGUFFile

    public init(gguf: GGUFFile, pool: ComputePool, maxBatchTokens: Int = 512, maxLogitRows: Int = 64) throws(GGUFError) {
        self.gguf = gguf
        config = try LlamaConfig(gguf: gguf)
        weights = try LlamaWeights(gguf: gguf, config: config)
        rotary = RotaryTable(ropeDim: config.ropeDim, base: config.ropeBase, positions: config.contextLength)
        self.pool = pool
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
            matmul(layer.query, s.xb, batch: n, s.q, pool: pool)
            matmul(layer.key, s.xb, batch: n, s.k, pool: pool)
            matmul(layer.value, s.xb, batch: n, s.v, pool: pool)
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
            matmul(layer.output, s.attention, batch: n, s.xb, pool: pool)
            for i in 0..<n { add(s.x + i * dim, s.xb + i * dim, n: dim) }

            // Feed-forward block (SwiGLU)
            for i in 0..<n { rmsNorm(s.x + i * dim, layer.ffnNorm, s.xb + i * dim, n: dim, eps: c.rmsEpsilon) }
            matmul(layer.gate, s.xb, batch: n, s.gate, pool: pool)
            matmul(layer.up, s.xb, batch: n, s.up, pool: pool)
            siluMultiply(s.gate, s.up, n: n * c.ffnDim)
            matmul(layer.down, s.gate, batch: n, s.xb, pool: pool)
            for i in 0..<n { add(s.x + i * dim, s.xb + i * dim, n: dim) }
        }

        // Logits only where asked: the output head is the largest matrix of a small model.
        let rows = batch.logitEntries.count
        for (r, entry) in batch.logitEntries.enumerated() {
            rmsNorm(s.x + Int(entry) * dim, weights.outputNorm, s.xb + r * dim, n: dim, eps: c.rmsEpsilon)
        }
        if rows > 0 { matmul(weights.output, s.xb, batch: rows, s.logits, pool: pool) }
        return UnsafeBufferPointer(start: s.logits, count: rows * c.vocabSize)
    }

    // MARK: Attention — the hot spot besides the matrix products.

    /// For every token and KV head: scores against every earlier position of the token's own sequence
    /// (causal), softmax, weighted sum of values, for the `groupSize` query heads sharing that KV head.
    private func attention(_ batch: DecoderBatch, layer: Int, cache: KVCache.View) {
        let c = config, s = state.view
        let tasks = batch.count * c.kvHeads
        let threads = pool.threadCount
        let scale = 1 / Float(c.headDim).squareRoot()
        batch.positions.withUnsafeBufferPointer { positions in
            batch.slots.withUnsafeBufferPointer { slots in
                let positions = SendablePointer(positions.baseAddress!), slots = SendablePointer(slots.baseAddress!)
                pool.parallelFor(threads) { worker in
                    let scores = s.scores + worker * c.groupSize * c.contextLength
                    // Interleaved so the long causal rows of a prefill chunk spread over the threads.
                    for task in stride(from: worker, to: tasks, by: threads) {
                        let i = task / c.kvHeads, g = task % c.kvHeads
                        let position = Int(positions.pointer[i]), slot = Int(slots.pointer[i])
                        let length = position + 1
                        for h in 0..<c.groupSize {
                            let head = g * c.groupSize + h
                            let q = s.q + i * c.dim + head * c.headDim
                            let row = scores + h * c.contextLength
                            var maxScore = -Float.infinity
                            var j = 0
                            while j < length {
                                let block = cache.block(slot: slot, index: j / cache.blockSize)
                                let keys = cache.panel(block: block, layer: layer, kind: 0) + g * c.headDim
                                let end = min(length, (j / cache.blockSize + 1) * cache.blockSize)
                                for p in j..<end {
                                    let score = loom_dot_f16_f32(keys + (p % cache.blockSize) * c.kvDim, q, Int32(c.headDim)) * scale
                                    row[p] = score
                                    maxScore = max(maxScore, score)
                                }
                                j = end
                            }
                            var sum: Float = 0
                            for p in 0..<length {
                                let e = expf(row[p] - maxScore)
                                row[p] = e
                                sum += e
                            }
                            let inv = 1 / sum
                            for p in 0..<length { row[p] *= inv }
                            // The weights meet half-precision values in half precision, as in llama.cpp.
                            loom_round_to_f16(row, Int32(length))
                            let out = s.attention + i * c.dim + head * c.headDim
                            out.update(repeating: 0, count: c.headDim)
                            j = 0
                            while j < length {
                                let block = cache.block(slot: slot, index: j / cache.blockSize)
                                let values = cache.panel(block: block, layer: layer, kind: 1) + g * c.headDim
                                let end = min(length, (j / cache.blockSize + 1) * cache.blockSize)
                                for p in j..<end {
                                    loom_axpy_f16(row[p], values + (p % cache.blockSize) * c.kvDim, out, Int32(c.headDim))
                                }
                                j = end
                            }
                        }
                    }
                }
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
