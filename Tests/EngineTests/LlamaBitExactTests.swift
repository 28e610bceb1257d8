import Foundation
import Testing
import TestSupport
@testable import Engine

/// SmolLM2's logits against llama.cpp's, bit for bit (Data/llama/smollm2-logits.bin, written by
/// scripts/make-llama-logits.py with llama.cpp built for this CPU): a prompt in one batch, then a token
/// decoded alone, for a short prompt and for one long enough that a decode step's weighted sum of
/// values ends in llama.cpp's double-precision tail.
struct LlamaBitExactTests {
    static let cases: [(prompt: [Int32], next: Int32)] = [
        ([504, 3575, 282, 4649, 314], 7042),
        ((0..<70).map { Int32(($0 * 7919 + 13) % 20000 + 100) }, 260),
    ]

    static func references(vocab: Int) throws -> [[Float]] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Data/llama/smollm2-logits.bin")
        let data = try Data(contentsOf: url)
        try #require(data.count == 2 * cases.count * vocab * 4, "smollm2-logits.bin has the wrong size")
        let values = data.withUnsafeBytes { raw in (0..<data.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.load(fromByteOffset: 4 * $0, as: UInt32.self))) } }
        return (0..<2 * cases.count).map { Array(values[$0 * vocab..<($0 + 1) * vocab]) }
    }

    @Test(.requires(.smolLM2)) func logitsAreLlamaCppsToTheBit() throws {
        let model = try Fixtures.smolLM2Model(.exact)
        let vocab = model.config.vocabSize
        let references = try Self.references(vocab: vocab)
        let kv = try KVCache(config: model.config, budgetBytes: 16 << 20, slots: 1)
        var batch = DecoderBatch()
        for (c, (prompt, next)) in Self.cases.enumerated() {
            kv.release(slot: 0)
            #expect(kv.reserve(slot: 0, tokens: prompt.count + 1))
            batch.removeAll()
            for (i, t) in prompt.enumerated() { batch.append(token: t, position: i, slot: 0, promptLength: prompt.count, logits: i == prompt.count - 1) }
            let afterPrompt = Array(model.forward(batch, kv: kv))
            batch.removeAll()
            batch.append(token: next, position: prompt.count, slot: 0, promptLength: prompt.count, logits: true)
            let afterDecode = Array(model.forward(batch, kv: kv))
            for (name, got, expected) in [("prompt", afterPrompt, references[2 * c]), ("decode", afterDecode, references[2 * c + 1])] {
                let differing = (0..<vocab).filter { got[$0].bitPattern != expected[$0].bitPattern }
                let worst = differing.map { abs(got[$0] - expected[$0]) }.max() ?? 0
                #expect(differing.isEmpty, "case \(c) \(name): \(differing.count) of \(vocab) logits differ from llama.cpp's, by up to \(worst)")
            }
        }
    }
}
