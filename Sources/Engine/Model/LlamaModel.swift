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
    /// How products and attention add their terms (`.fast` unless asked for llama.cpp's order).
    public let arithmetic: Arithmetic
    let weights: LlamaWeights
    let rotary: RotaryTable
    /// Its compute threads; an image embedder for this model shares them.
    public let pool: ComputePool
    let matmul: MatmulContext
    let state: RunState
    /// Kept alive: the weights point into its mapping.
    public let gguf: GGUFFile

    public init(gguf: GGUFFile, pool: ComputePool, maxBatchTokens: Int = 512, maxLogitRows: Int = 64,
                arithmetic: Arithmetic = .fast) throws(GGUFError) {
        self.gguf = gguf
        config = try LlamaConfig(gguf: gguf)
        weights = try LlamaWeights(gguf: gguf, config: config)
        rotary = RotaryTable(ropeDim: config.ropeDim, base: config.ropeBase, positions: config.contextLength)
        self.pool = pool
        matmul = MatmulContext(pool: pool, maxBatch: max(maxBatchTokens, maxLogitRows), maxCols: max(config.dim, config.ffnDim),
                               arithmetic: arithmetic)
        self.arithmetic = arithmetic
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
            loom_rms_norm(s.x, layer.attentionNorm, s.xb, Int32(n), Int32(dim), c.rmsEpsilon)
            matmul.multiply(s.xb, batch: n, into: [
                MatmulTarget(layer.query, into: s.q), MatmulTarget(layer.key, into: s.k), MatmulTarget(layer.value, into: s.v),
            ])
            for i in 0..<n {
                let slot = Int(batch.slots[i]), position = Int(batch.positions[i])
                rotary.apply(s.q + i * dim, heads: c.heads, headDim: c.headDim, position: position)
                rotary.apply(s.k + i * kvDim, heads: c.kvHeads, headDim: c.headDim, position: position)
                ck_floats_to_halfs(s.k + i * kvDim, cache.row(slot: slot, position: position, layer: l, kind: 0), kvDim)
                ck_floats_to_halfs(s.v + i * kvDim, cache.row(slot: slot, position: position, layer: l, kind: 1), kvDim)
                // Queries meet half-precision keys in half precision, as in llama.cpp.
                ck_round_to_halfs(s.q + i * dim, dim)
            }
            attention(batch, layer: l, cache: cache)
            matmul.multiply(layer.output, s.attention, batch: n, into: s.xb)
            for i in 0..<n { add(s.x + i * dim, s.xb + i * dim, n: dim) }

            // Feed-forward block (SwiGLU)
            loom_rms_norm(s.x, layer.ffnNorm, s.xb, Int32(n), Int32(dim), c.rmsEpsilon)
            matmul.multiply(s.xb, batch: n, into: [MatmulTarget(layer.gate, into: s.gate), MatmulTarget(layer.up, into: s.up)])
            pool.parallelFor(n) { i in loom_silu_mul(s.gate + i * c.ffnDim, s.up + i * c.ffnDim, Int32(c.ffnDim)) }
            matmul.multiply(layer.down, s.gate, batch: n, into: s.xb)
            for i in 0..<n { add(s.x + i * dim, s.xb + i * dim, n: dim) }
        }

        // Logits only where asked: the output head is the largest matrix of a small model.
        let rows = batch.logitEntries.count
        for (r, entry) in batch.logitEntries.enumerated() {
            loom_rms_norm(s.x + Int(entry) * dim, weights.outputNorm, s.xb + r * dim, 1, Int32(dim), c.rmsEpsilon)
        }
        if rows > 0 { matmul.multiply(weights.output, s.xb, batch: rows, into: s.logits) }
        return UnsafeBufferPointer(start: s.logits, count: rows * c.vocabSize)
    }

    /// After `forward`, the logits of any of its batch's rows (a prompt's every position, for its
    /// log-probabilities), `maxLogitRows` at a time through the same output head: each row's bits are
    /// what `forward` gives it. `body` gets each row's index in `rows` and its logits, valid only
    /// inside the call. Overwrites what `forward` returned: call it after sampling.
    public func logits(ofRows rows: [Int32], _ body: (Int, UnsafeBufferPointer<Float>) -> Void) {
        let c = config, s = state, dim = c.dim
        var start = 0
        while start < rows.count {
            let count = min(maxLogitRows, rows.count - start)
            for r in 0..<count {
                loom_rms_norm(s.x + Int(rows[start + r]) * dim, weights.outputNorm, s.xb + r * dim, 1, Int32(dim), c.rmsEpsilon)
            }
            matmul.multiply(weights.output, s.xb, batch: count, into: s.logits)
            for r in 0..<count {
                body(start + r, UnsafeBufferPointer(start: s.logits + r * c.vocabSize, count: c.vocabSize))
            }
            start += count
        }
    }

    // MARK: Attention — the hot spot besides the matrix products.

    /// For every token and KV head: scores against every earlier position of the token's own sequence
    /// (causal), softmax, weighted sum of values, for the `groupSize` query heads sharing that KV head.
    /// `.fast` sums every position in one order (16 lanes by position, in position order), so a
    /// position's numbers are the same as a prompt token and as a decoded one; `.exact` picks
    /// llama.cpp's order by the token's place in its own sequence.
    private func attention(_ batch: DecoderBatch, layer: Int, cache: KVCache.View) {
        let c = config, s = state.view, exact = arithmetic == .exact
        let scale = 1 / Float(c.headDim).squareRoot()
        let panel = cache.blockSize * cache.kvDim, scratch = RunState.scoresPerThread(c)
        // Runs of consecutive positions of one sequence (a prompt chunk): in the fast order their
        // tokens share each K and V row read, with the same bits as one by one.
        let runs = exact ? (0..<batch.count).map { $0..<($0 + 1) } : batch.positionRuns(upTo: RunState.attentionChunk)
        batch.positions.withUnsafeBufferPointer { positions in
            batch.slots.withUnsafeBufferPointer { slots in
                batch.promptLengths.withUnsafeBufferPointer { promptLengths in
                    let positions = SendablePointer(positions.baseAddress!), slots = SendablePointer(slots.baseAddress!)
                    let promptLengths = SendablePointer(promptLengths.baseAddress!)
                    pool.parallelFor(runs.count * c.kvHeads) { task, thread in
                        let run = runs[task / c.kvHeads], group = task % c.kvHeads, i = run.lowerBound
                        let position = positions.pointer[i], promptLength = promptLengths.pointer[i]
                        let prompt = position < promptLength && promptLength > 1
                        let order = !exact || prompt ? LOOM_ORDER_TILED : LOOM_ORDER_DOT
                        let firstHead = i * c.dim + group * c.groupSize * c.headDim
                        let kOffset = layer * 2 * panel + group * c.headDim
                        let table = cache.tables + Int(slots.pointer[i]) * cache.maxBlocksPerSlot
                        if run.count > 1 {
                            loom_attention_chunk(
                                s.q + firstHead, Int32(run.count), Int32(c.groupSize), Int32(c.dim), Int32(c.headDim),
                                cache.storage, table, cache.layers * 2 * panel, kOffset, kOffset + panel,
                                Int32(cache.blockSize), Int32(cache.kvDim), position + 1, scale, s.scores + thread * scratch,
                                s.attention + firstHead, Int32(c.dim))
                            return
                        }
                        loom_attention_group(
                            s.q + firstHead, Int32(c.groupSize), Int32(c.headDim), Int32(c.headDim),
                            cache.storage, table, cache.layers * 2 * panel, kOffset, kOffset + panel,
                            Int32(cache.blockSize), Int32(cache.kvDim), position + 1, scale, Int32(order),
                            s.scores + thread * scratch, s.attention + firstHead, Int32(c.headDim))
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
