import Foundation
import Testing
import TestSupport
import WorkerKit
@testable import Engine

/// The whole image path on the tiny LLaVA fixtures: prompt pieces, image embeddings spliced at the
/// marker, and greedy tokens, against llama.cpp (../shared/fixtures/tiny-llava/reference.json).
@Suite(.serialized, .requires(.sharedFixtures))
struct LLaVAReferenceTests {
    struct Case {
        let name: String
        let image: String
        let systemPrompt: String
        let userPrompt: String
        let promptIDs: (system: [Int32], user: [Int32])
        let generated: [Int32]
        let gaps: [Double]
    }

    static func cases() throws -> [Case] {
        let root = try #require(try Fixtures.json("tiny-llava/reference.json") as? [String: Any])
        return try #require(root["cases"] as? [[String: Any]]).map { c in
            func ids(_ key: String) -> [Int32] { (c[key] as? [Int] ?? []).map(Int32.init) }
            let steps = c["steps"] as? [[String: Any]] ?? []
            return Case(name: c["case"] as? String ?? "?", image: c["image"] as? String ?? "",
                        systemPrompt: c["system_prompt"] as? String ?? "", userPrompt: c["user_prompt"] as? String ?? "",
                        promptIDs: (ids("system_ids"), ids("user_ids")), generated: ids("generated_ids"),
                        gaps: steps.map { $0["gap12"] as? Double ?? .infinity })
        }
    }

    static let model = Fixtures.path("tiny-llava/tiny-llama-f32.gguf")
    static let mmproj = Fixtures.path("tiny-llava/tiny-mmproj-f32.gguf")

    @Test(arguments: Arithmetic.allCases)
    func promptPiecesAndGreedyTokensMatchLlamaCpp(arithmetic: Arithmetic) throws {
        let gguf = try GGUFFile(path: Self.model)
        let llm = try LlamaModel(gguf: gguf, pool: ComputePool(threads: 2), arithmetic: arithmetic)
        let tokenizer = try Tokenizer(gguf: gguf)
        let embedder = try ImageEmbedder(mmproj: GGUFFile(path: Self.mmproj), languageWidth: llm.config.dim, pool: llm.pool)
        let executor = try BatchExecutor.forOneSequence(model: llm, tokenizer: tokenizer)
        let references = try VisionReferenceTests.cases()
        for (i, c) in try Self.cases().enumerated() {
            // Text pieces, each tokenized on its own around the marker.
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("tiny-llava/" + c.image))))
            let built = try PromptBuilder(tokenizer: tokenizer, images: embedder)
                .build(c.systemPrompt + ChatTemplate.imageMarker + c.userPrompt, parseSpecial: false, images: [bytes])
            let tokens = built.items.compactMap(\.token)
            #expect(tokens == c.promptIDs.system + c.promptIDs.user, "\(c.name): prompt ids")
            #expect(built.imagePositions == embedder.positionsPerImage)

            // Generation from llama.cpp's own encoder input (its JPEG decoder rounds differently), so the
            // check is of the decoder and splicing, not of JPEG decoders.
            let reference = try #require(references.first { $0.name == c.name })
            let pixels = try #require(RGBImage(width: embedder.input.preprocessor.imageSize, height: embedder.input.preprocessor.imageSize, pixels: reference.pixels))
            let rows = try embedder.encoder.encode([embedder.input.preprocessor.normalized(pixels)])[0]
            let width = embedder.width
            let prompt = c.promptIDs.system.map(PromptItem.token)
                + (0..<rows.count / width).map { PromptItem.embedding(rows[$0 * width..<($0 + 1) * width]) }
                + c.promptIDs.user.map(PromptItem.token)
            let request = BatchExecutor.Request(
                id: RequestID(UInt64(i)), prompt: prompt, sampling: .greedy,
                stop: StopConditions(maxTokens: c.generated.count, ignoreEndOfGeneration: true))
            let generated = try executor.run(request).tokens
            let sure = c.gaps.firstIndex { $0 <= LlamaReferenceTests.tolerance(arithmetic).gap } ?? c.generated.count
            #expect(Array(generated.prefix(sure)) == Array(c.generated.prefix(sure)), "\(arithmetic) \(c.name): greedy tokens")
        }
    }

    /// Markers and images that disagree in number are refused; a bad image is refused with its reason,
    /// and the next request works.
    @Test func refusesMismatchesAndBadImages() throws {
        let gguf = try GGUFFile(path: Self.model)
        let tokenizer = try Tokenizer(gguf: gguf)
        let embedder = try ImageEmbedder(mmproj: GGUFFile(path: Self.mmproj), languageWidth: 64, pool: ComputePool(threads: 2))
        let builder = PromptBuilder(tokenizer: tokenizer, images: embedder)
        let png = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("tiny-llava/tiny_56.png"))))
        #expect(throws: PromptBuilder.Failure.markerMismatch(markers: 2, images: 1)) {
            try builder.build("<image> and <image>", parseSpecial: false, images: [png])
        }
        #expect(throws: PromptBuilder.Failure.markerMismatch(markers: 0, images: 1)) {
            try builder.build("no marker", parseSpecial: false, images: [png])
        }
        #expect(throws: PromptBuilder.Failure.noVisionModel) {
            try PromptBuilder(tokenizer: tokenizer, images: nil as ImageInput?).build("<image>", parseSpecial: false, images: [png])
        }
        for bad in [[], Array(png.prefix(40)), [UInt8](repeating: 7, count: 100)] {
            #expect(throws: PromptBuilder.Failure.self) { try builder.build("<image>", parseSpecial: false, images: [bad]) }
        }
        // Too long is known from the layout: refused before the image is decoded (these bytes are none).
        #expect(throws: PromptBuilder.Failure.tooLong(positions: embedder.positionsPerImage, limit: 4)) {
            try builder.build("<image>", parseSpecial: false, images: [[UInt8](repeating: 7, count: 100)], positionLimit: 4)
        }
        var ok = try builder.build("see <image> here", parseSpecial: false, images: [png])
        #expect(ok.imagePositions == embedder.positionsPerImage && ok.pending.count == 1)
        try embedder.encodePending(&ok)
        #expect(ok.pending.isEmpty && ok.items.allSatisfy { if case .embedding(let row) = $0 { !row.isEmpty } else { true } })
        // Asked again, the same image comes from the cache, encoded.
        let hits = embedder.input.cacheHits
        _ = try builder.build("<image>", parseSpecial: false, images: [png])
        #expect(embedder.input.cacheHits == hits + 1)
    }
}
