import Foundation
import Testing
import TestSupport
@testable import Engine

/// The vision tower against llama.cpp's image embeddings on the tiny mmproj
/// (../shared/fixtures/tiny-llava/reference.json).
@Suite(.serialized, .requires(.sharedFixtures))
struct VisionReferenceTests {
    struct Case {
        let name: String
        /// Encoder input before normalisation: (size, size, 3) HWC uint8.
        let pixels: [UInt8]
        /// llama.cpp's embedding: (patches, width) row-major.
        let embedding: [Float]
    }

    static let mmprojPath = Fixtures.path("tiny-llava/tiny-mmproj-f32.gguf")

    static func cases() throws -> [Case] {
        let root = try #require(try Fixtures.json("tiny-llava/reference.json") as? [String: Any])
        let cases = try #require(root["cases"] as? [[String: Any]])
        return try cases.map { c in
            let name = try #require(c["case"] as? String)
            let pixelsFile = try #require(c["pixels_file"] as? String), embdFile = try #require(c["embd_file"] as? String)
            let pixels = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("tiny-llava/" + pixelsFile)))
            let embd = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("tiny-llava/" + embdFile)))
            let count = try #require(c["n_image_pos"] as? Int) * (try #require(c["n_embd"] as? Int))
            #expect(embd.count == count * 4, "\(name): embedding file size")
            let embedding = embd.withUnsafeBytes { raw in
                (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
            }
            return Case(name: name, pixels: [UInt8](pixels), embedding: embedding)
        }
    }

    /// HWC uint8 → planar CHW floats, x / 255 then (x − mean) / std per channel (llama.cpp's normalisation).
    static func normalise(_ pixels: [UInt8], size: Int, mean: [Float], std: [Float]) -> [Float] {
        var planar = [Float](repeating: 0, count: 3 * size * size)
        for y in 0..<size {
            for x in 0..<size {
                for c in 0..<3 {
                    planar[c * size * size + y * size + x] = (Float(pixels[(y * size + x) * 3 + c]) / 255 - mean[c]) / std[c]
                }
            }
        }
        return planar
    }

    static func relativeError(_ a: [Float], _ b: [Float]) -> Double {
        var diff = 0.0, norm = 0.0
        for (x, y) in zip(a, b) {
            diff += Double(x - y) * Double(x - y)
            norm += Double(y) * Double(y)
        }
        return (diff / norm).squareRoot()
    }

    static func inputs(_ encoder: VisionEncoder, _ cases: [Case]) throws -> [[Float]] {
        let c = encoder.config
        return try cases.map { k in
            try #require(k.pixels.count == c.pixelCount, "\(k.name): pixels file size")
            return normalise(k.pixels, size: c.imageSize, mean: c.imageMean, std: c.imageStd)
        }
    }

    @Test(arguments: VisionGEMM.allCases.filter(\.isAvailable))
    func embeddingsMatchLlamaCpp(gemm: VisionGEMM) throws {
        let encoder = try VisionEncoder(path: Self.mmprojPath, pool: ComputePool(threads: 2), maxBatch: 1, gemm: gemm)
        #expect(encoder.gemm == gemm)
        #expect(encoder.config.patchCount == 16 && encoder.config.projectionDim == 64 && encoder.config.layersRun == 2)
        let cases = try Self.cases()
        #expect(cases.map(\.name) == ["jpg_native", "png_tmpl", "wide_png_tmpl", "photo_jpg_native"])
        for (k, input) in zip(cases, try Self.inputs(encoder, cases)) {
            let embedding = try #require(try encoder.encode([input]).first)
            #expect(embedding.count == k.embedding.count)
            let error = Self.relativeError(embedding, k.embedding)
            #expect(error <= 1e-4, "\(k.name) with \(gemm): relative L2 error \(error)")
        }
    }

    @Test(arguments: VisionGEMM.allCases.filter(\.isAvailable))
    func batchGivesEachImageWhatItGetsAlone(gemm: VisionGEMM) throws {
        let encoder = try VisionEncoder(path: Self.mmprojPath, pool: ComputePool(threads: 2), maxBatch: 4, gemm: gemm)
        let inputs = try Self.inputs(encoder, Self.cases())
        #expect(Set(inputs).count == 4, "four different images")
        let alone = try inputs.map { try #require(try encoder.encode([$0]).first) }
        let together = try encoder.encode(inputs)
        #expect(together.count == 4)
        // Loom's kernel computes each row the same way whatever the batch: identical bits. OpenBLAS picks
        // other blockings for other sizes, and ggml's half-precision GELU tables turn its last-bit
        // differences into half-precision steps: it stays within the reference tolerance only.
        let tolerance = gemm == .avx512 ? 0 : 1e-4
        for (i, (a, b)) in zip(alone, together).enumerated() {
            #expect(Self.relativeError(b, a) <= tolerance, "image \(i) with \(gemm)")
        }
        // More images than the scratch holds run in chunks; the buffer API gives the same.
        let eight = try encoder.encode(inputs + inputs.reversed())
        #expect(eight.count == 8 && eight[7] == together[0])
        let flat = inputs.flatMap { $0 }
        var output = [Float](repeating: .nan, count: 4 * encoder.config.patchCount * encoder.config.projectionDim)
        try flat.withUnsafeBufferPointer { pixels in
            try output.withUnsafeMutableBufferPointer { try encoder.encode(pixels: pixels, into: $0) }
        }
        #expect(output == together.flatMap { $0 })
    }

    @Test func refusesWrongPixelCountsAcceptsNoImages() throws {
        let encoder = try VisionEncoder(path: Self.mmprojPath, pool: ComputePool(threads: 2), maxBatch: 2)
        let n = encoder.config.pixelCount
        #expect(throws: VisionError.wrongPixelCount(expected: n, got: n - 1)) {
            try encoder.encode([[Float](repeating: 0, count: n), [Float](repeating: 0, count: n - 1)])
        }
        #expect(try encoder.encode([]).isEmpty)
        try encoder.encode(pixels: UnsafeBufferPointer(start: nil, count: 0), into: UnsafeMutableBufferPointer(start: nil, count: 0))
        var output = [Float](repeating: 0, count: 10)
        #expect(throws: VisionError.outputTooSmall(needed: encoder.config.patchCount * encoder.config.projectionDim, got: 10)) {
            try [Float](repeating: 0, count: n).withUnsafeBufferPointer { pixels in
                try output.withUnsafeMutableBufferPointer { try encoder.encode(pixels: pixels, into: $0) }
            }
        }
    }
}
