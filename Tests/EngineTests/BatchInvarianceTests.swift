import Engine
import Testing
import TestSupport

/// Batch invariance, bitwise, in the default (fast) arithmetic: the logits of a position are the same
/// bits however its sequence got there — its prompt in one chunk, in chunks of 1, 7 or 64, token by
/// token; alone or beside 4 or 32 unrelated sequences at other positions, prefilling and decoding; on
/// 1 thread or 2; and decoded positions equal to the same tokens sent again as prompt. On SmolLM2 (Q4_1 layers, Q8_0 embeddings and head: the integer kernels) and on the
/// tiny random LLaVA decoder (F32: the float kernel).
@Suite(.serialized)
struct BatchInvarianceTests {
    /// How sequence A's prompt goes through the model: its chunk size, how many unrelated sequences
    /// share each step with it, and the model's threads.
    struct Schedule: CustomStringConvertible {
        var chunk: Int
        var neighbours = 0
        var threads = 2
        var description: String { "chunks of \(chunk), \(neighbours) neighbours, \(threads) threads" }
    }

    static let decodeSteps = 6

    /// A's logits at `checked` prompt positions and at each of its decode steps, under `schedule`.
    static func run(_ gguf: GGUFFile, _ schedule: Schedule, prompt: [Int32], continuation: [Int32], checked: Set<Int>) throws -> [[Float]] {
        let model = try LlamaModel(gguf: gguf, pool: ComputePool(threads: schedule.threads), maxBatchTokens: 512, maxLogitRows: 64)
        let vocab = model.config.vocabSize
        let neighbourLength = 48
        let kv = try KVCache(config: model.config, budgetBytes: (prompt.count + continuation.count + 33 * (neighbourLength + 64)) * KVLayout.bytesPerToken(model.config) + (16 << 20),
                             slots: 1 + schedule.neighbours)
        var random = SplitMix64(seed: 99)
        // Neighbour n: a prompt of its own length, started n steps late, then decode tokens.
        let neighbours = (0..<schedule.neighbours).map { n in
            (0..<(5 + n % 7 * 6)).map { _ in Int32(random.next() % UInt64(vocab)) }
        }
        var fed = [Int](repeating: 0, count: schedule.neighbours)
        #expect(kv.reserve(slot: 0, tokens: prompt.count + continuation.count))
        for n in 0..<schedule.neighbours { #expect(kv.reserve(slot: 1 + n, tokens: neighbourLength + 64)) }

        var logits: [[Float]] = []
        var batch = DecoderBatch()
        var next = 0  // A's positions fed
        var step = 0
        let total = prompt.count + continuation.count
        while next < total {
            batch.removeAll()
            var wanted = 0
            let end = next < prompt.count ? min(prompt.count, next + schedule.chunk) : next + 1
            for p in next..<end {
                let token = p < prompt.count ? prompt[p] : continuation[p - prompt.count]
                let keep = checked.contains(p) || p >= prompt.count - 1
                batch.append(token: token, position: p, slot: 0, promptLength: prompt.count, logits: keep)
                if keep { wanted += 1 }
            }
            next = end
            // Each neighbour that has started feeds up to 3 prompt tokens, then one token a step.
            for n in 0..<schedule.neighbours where step >= n % 9 && fed[n] < neighbourLength + 60 {
                let own = neighbours[n]
                let count = fed[n] < own.count ? min(3, own.count - fed[n]) : 1
                for p in fed[n]..<fed[n] + count {
                    let token = p < own.count ? own[p] : Int32(random.next() % UInt64(vocab))
                    batch.append(token: token, position: p, slot: 1 + n, promptLength: own.count, logits: p >= own.count - 1)
                }
                fed[n] += count
            }
            let out = model.forward(batch, kv: kv)
            // A's entries come first in the batch, so its logit rows are the first `wanted`.
            for r in 0..<wanted { logits.append(Array(out[r * vocab..<(r + 1) * vocab])) }
            step += 1
        }
        return logits
    }

    static func check(_ gguf: GGUFFile, promptLength: Int, schedules: [Schedule]) throws {
        let vocab = try LlamaConfig(gguf: gguf).vocabSize
        var random = SplitMix64(seed: 7)
        let prompt = (0..<promptLength).map { _ in Int32(random.next() % UInt64(vocab)) }
        let continuation = (0..<decodeSteps).map { _ in Int32(random.next() % UInt64(vocab)) }
        let checked: Set<Int> = [0, 6, 7, 63, 64, 200, 511, 512].filter { $0 < promptLength - 1 }.reduce(into: []) { $0.insert($1) }
        let reference = try run(gguf, Schedule(chunk: 512), prompt: prompt, continuation: continuation, checked: checked)
        #expect(reference.count == checked.count + 1 + decodeSteps)
        for schedule in schedules {
            let got = try run(gguf, schedule, prompt: prompt, continuation: continuation, checked: checked)
            #expect(got.count == reference.count, "\(schedule): \(got.count) logit rows")
            let differing = zip(got, reference).enumerated().filter { $1.0 != $1.1 }.map(\.offset)
            #expect(differing.isEmpty, "\(schedule): logit rows \(differing) differ from the prompt in one chunk, alone")
        }
        // The decoded tokens sent again as part of a longer prompt (a chat's next turn, or a prefix-cache
        // hit): the same positions, the same bits.
        let resent = checked.union(promptLength - 1..<promptLength + decodeSteps - 1)
        let asPrompt = try run(gguf, Schedule(chunk: 64), prompt: prompt + continuation, continuation: [], checked: resent)
        let differing = zip(asPrompt, reference).enumerated().filter { $1.0 != $1.1 }.map(\.offset)
        #expect(asPrompt.count == reference.count && differing.isEmpty, "decoded tokens resent as prompt: logit rows \(differing) differ")
    }

    static let schedules = [
        Schedule(chunk: 1), Schedule(chunk: 7), Schedule(chunk: 64),
        Schedule(chunk: 64, neighbours: 4), Schedule(chunk: 7, neighbours: 32),
        Schedule(chunk: 512, threads: 1), Schedule(chunk: 64, neighbours: 4, threads: 1),
    ]

    @Test(.requires(.smolLM2)) func smolLM2() throws {
        try Self.check(Fixtures.smolLM2(), promptLength: 530, schedules: Self.schedules)
    }

    @Test(.requires(.sharedFixtures)) func tinyRandomDecoder() throws {
        try Self.check(GGUFFile(path: Fixtures.path("tiny-llava/tiny-llama-f32.gguf")), promptLength: 530, schedules: Self.schedules)
    }
}
