import Foundation
import Testing
import TestSupport
import WorkerKit
@testable import Engine

/// Random LLaVA towers of many shapes (width, heads, head size, FFN, blocks, image and patch size,
/// epsilon, mean/std, GELU or quick-GELU, F32/F16/Q8_0, projector widths), each in front of a small
/// random GQA decoder, against llama.cpp (Data/clip-parity, written by scripts/make-clip-reference.py).
///
/// Embeddings: the error is the relative L2 error ‖loom − llama.cpp‖ / ‖llama.cpp‖ over the whole image
/// (patches × width), and must be under `embeddingTolerance` of the tower's type. F32: 2e-4. Both
/// compute in F32 but look GELU and quick-GELU up in ggml's half-precision tables, so a last-bit
/// difference before a lookup can move its result by one F16 step (5e-4 of it): Loom's two GEMMs, which
/// differ only in summation order, disagree with each other by up to 1.2e-4 (measured, the 4-block
/// 48-wide case); llama.cpp is 1e-5…1.3e-4 from either. F16 and Q8_0: llama.cpp multiplies an F16
/// matrix by activations rounded to F16, a Q8_0 matrix by activations quantized to Q8_0 blocks, and
/// convolves F16 pixels; Loom widens the weights to F32 and keeps activations F32. Measured: F16
/// 5.3e-4…6.3e-4, Q8_0 1.0e-2…1.3e-2; the tolerances are 1.5e-3 and 3e-2.
/// Tokens: Loom's greedy tokens equal llama.cpp's at every step up to the first one whose top-two
/// logit gap (llama.cpp's) is at most `gap`; after it the sequences may part.
@Suite(.serialized)
struct VisionParityTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Data/clip-parity")
    static let gap = 0.05

    static func embeddingTolerance(_ type: String) -> Double {
        switch type {
        case "f32": 2e-4
        case "f16": 1.5e-3
        default: 3e-2
        }
    }

    struct Case: CustomStringConvertible {
        let name: String, mmproj: String, decoder: String, image: String, embdFile: String, type: String
        let patches: Int, width: Int
        /// How far llama.cpp's embeddings move when the tower's epsilon is swapped (1e-5 ↔ 1e-6).
        let epsilonSensitivity: Double
        let prefix: [Int32], suffix: [Int32], generated: [Int32], gaps: [Double]
        var description: String { name }
    }

    static func cases() throws -> [Case] {
        let data = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(root["cases"] as? [[String: Any]]).map { c in
            func ids(_ key: String) -> [Int32] { (c[key] as? [Int] ?? []).map(Int32.init) }
            func text(_ key: String) -> String { c[key] as? String ?? "" }
            let tower = c["tower"] as? [String: Any] ?? [:]
            return Case(name: text("name"), mmproj: text("mmproj"), decoder: text("decoder"), image: text("image"),
                        embdFile: text("embd_file"), type: tower["type"] as? String ?? "?",
                        patches: c["patches"] as? Int ?? 0, width: c["width"] as? Int ?? 0,
                        epsilonSensitivity: (c["epsilon_check"] as? [String: Any])?["relative_l2"] as? Double ?? 0,
                        prefix: ids("prefix_ids"), suffix: ids("suffix_ids"), generated: ids("generated_ids"),
                        gaps: (c["gaps"] as? [Double]) ?? [])
        }
    }

    static func path(_ file: String) -> String { directory.appendingPathComponent(file).path }

    static func reference(_ c: Case) throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path(c.embdFile)))
        #expect(data.count == c.patches * c.width * 4, "\(c.name): embedding file size")
        return data.withUnsafeBytes { raw in
            (0..<data.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    /// Loom's embeddings of the case's PNG: decoded, normalised (the image is already the tower's size),
    /// encoded.
    static func loomEmbeddings(_ c: Case, gemm: VisionGEMM = .best) throws -> (VisionEncoder, [Float]) {
        let pool = ComputePool(threads: 2)
        let encoder = try VisionEncoder(path: path(c.mmproj), pool: pool, maxBatch: 1, gemm: gemm)
        let preprocessor = try ImagePreprocessor(mmproj: GGUFFile(path: path(c.mmproj)))
        let png = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path(c.image))))
        let image = try ImageDecoder().decode(png)
        try #require(image.width == encoder.config.imageSize && image.height == encoder.config.imageSize)
        let embedding = try #require(try encoder.encode([preprocessor.normalized(image)]).first)
        return (encoder, embedding)
    }

    static func maxRelative(_ a: [Float], _ b: [Float]) -> Double {
        let scale = b.map { Double(abs($0)) }.max() ?? 0
        let diff = zip(a, b).map { Double(abs($0 - $1)) }.max() ?? .infinity
        return diff / max(scale, .leastNonzeroMagnitude)
    }

    @Test func manifestHasTheCases() throws {
        let cases = try Self.cases()
        #expect(cases.count >= 6)
        #expect(Set(cases.map(\.type)) == ["f32", "f16", "q8_0"])
        // The reported shape: width 48, 6 heads of 8, 36 patches, a 96-wide decoder.
        #expect(cases.contains { $0.patches == 36 && $0.width == 96 && $0.type == "f32" })
        // A tower that used another epsilon than the file's would fail an F32 case by a wide margin.
        #expect(cases.contains { $0.type == "f32" && $0.epsilonSensitivity > 20 * Self.embeddingTolerance("f32") })
    }

    @Test(arguments: try VisionParityTests.cases(), VisionGEMM.allCases.filter(\.isAvailable))
    func embeddingsMatchLlamaCpp(c: Case, gemm: VisionGEMM) throws {
        let (encoder, embedding) = try Self.loomEmbeddings(c, gemm: gemm)
        #expect(encoder.config.patchCount == c.patches && encoder.config.projectionDim == c.width)
        let reference = try Self.reference(c)
        try #require(embedding.count == reference.count)
        let error = VisionReferenceTests.relativeError(embedding, reference), largest = Self.maxRelative(embedding, reference)
        if ProcessInfo.processInfo.environment["LOOM_PARITY_REPORT"] != nil {
            let other = try Self.loomEmbeddings(c, gemm: gemm == .avx512 ? .openBLAS : .avx512).1
            print("parity \(c.name) \(gemm): relative L2 \(error), max \(largest); the other GEMM: \(VisionReferenceTests.relativeError(embedding, other))")
        }
        #expect(error <= Self.embeddingTolerance(c.type),
                "\(c.name) (\(c.type)) with \(gemm): relative L2 error \(error) (largest difference \(largest) of the largest value)")
    }

    /// A tower whose MLP matrices carry today's names (ffn_up first) is the same tower: llama.cpp tells
    /// the two namings apart by ffn_down's shape, and so must Loom.
    @Test func todaysMLPNamesGiveTheSameTower() throws {
        let data = try Data(contentsOf: Self.directory.appendingPathComponent("manifest.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let renamed = try #require(root["cases"] as? [[String: Any]]).compactMap { c -> (String, String)? in
            guard let name = c["name"] as? String, let file = c["mmproj_todays_names"] as? String else { return nil }
            return (name, file)
        }
        #expect(!renamed.isEmpty)
        for (name, file) in renamed {
            let c = try #require(try Self.cases().first { $0.name == name })
            let original = try Self.loomEmbeddings(c).1
            let renamedCase = Case(name: c.name, mmproj: file, decoder: c.decoder, image: c.image, embdFile: c.embdFile,
                                   type: c.type, patches: c.patches, width: c.width, epsilonSensitivity: c.epsilonSensitivity,
                                   prefix: c.prefix, suffix: c.suffix, generated: c.generated, gaps: c.gaps)
            #expect(try Self.loomEmbeddings(renamedCase).1 == original, "\(file)")
        }
    }

    /// Greedy tokens after prefix tokens, the image rows and suffix tokens: from llama.cpp's own
    /// embeddings (the decoder's image-row path alone), then from Loom's (the whole image path).
    @Test(arguments: try VisionParityTests.cases(), Arithmetic.allCases)
    func greedyTokensMatchLlamaCpp(c: Case, arithmetic: Arithmetic) throws {
        let gguf = try GGUFFile(path: Self.path(c.decoder))
        let llm = try LlamaModel(gguf: gguf, pool: ComputePool(threads: 2), arithmetic: arithmetic)
        let executor = try BatchExecutor.forOneSequence(model: llm, tokenizer: Tokenizer(gguf: gguf))
        let sure = c.gaps.firstIndex { $0 <= Self.gap } ?? c.generated.count
        let sources = [("llama.cpp's embeddings", try Self.reference(c)), ("Loom's embeddings", try Self.loomEmbeddings(c).1)]
        for (i, (source, rows)) in sources.enumerated() {
            let prompt = c.prefix.map(PromptItem.token)
                + (0..<c.patches).map { PromptItem.embedding(rows[$0 * c.width..<($0 + 1) * c.width]) }
                + c.suffix.map(PromptItem.token)
            let request = BatchExecutor.Request(
                id: RequestID(UInt64(i)), prompt: prompt, sampling: .greedy,
                stop: StopConditions(maxTokens: c.generated.count, ignoreEndOfGeneration: true))
            let generated = try executor.run(request).tokens
            #expect(Array(generated.prefix(sure)) == Array(c.generated.prefix(sure)),
                    "\(c.name), \(source), \(arithmetic): greedy tokens (the first \(sure) steps have gaps above \(Self.gap))")
        }
    }
}
