import Foundation
import Testing
import TestSupport
@testable import Engine

/// Loading mmproj files: the configuration, and clear refusals of files the tower cannot run. Damaged
/// files are copies of the tiny fixture with one same-length string changed, so every offset still holds.
@Suite(.requires(.sharedFixtures))
struct VisionLoadingTests {
    static let mmproj = Fixtures.path("tiny-llava/tiny-mmproj-f32.gguf")

    /// A copy of the fixture, edited, in a fresh temporary directory.
    static func damagedCopy(_ edit: (inout [UInt8]) throws -> Void) throws -> String {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: mmproj)))
        try edit(&bytes)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loom-vision-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("damaged-mmproj.gguf")
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Replaces the first `old` (after `anchor`, if given) with `new`, of the same length.
    static func replace(_ old: String, with new: String, after anchor: String? = nil) -> (inout [UInt8]) throws -> Void {
        { bytes in
            precondition(old.utf8.count == new.utf8.count)
            let start = try anchor.map { try #require(find(Array($0.utf8), in: bytes)) } ?? 0
            let at = try #require(find(Array(old.utf8), in: bytes, from: start), "\(old) not in the fixture")
            bytes.replaceSubrange(at..<at + old.utf8.count, with: Array(new.utf8))
        }
    }

    /// Sets the value of the UINT32 metadata entry `key` (laid out as key, type, value).
    static func setUInt32(_ key: String, to value: UInt32) -> (inout [UInt8]) throws -> Void {
        { bytes in
            let at = try #require(find(Array(key.utf8), in: bytes)) + key.utf8.count
            #expect(bytes[at..<at + 4].elementsEqual([4, 0, 0, 0]), "\(key) is a UINT32")
            withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(at + 4..<at + 8, with: $0) }
        }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        return (start...(haystack.count - needle.count)).first { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    static func loadError(_ path: String) -> GGUFError? {
        do {
            _ = try VisionEncoder(path: path, pool: ComputePool(threads: 1), maxBatch: 1)
            return nil
        } catch {
            return error
        }
    }

    @Test func readsTheTinyTowerConfiguration() throws {
        let c = try VisionConfig(gguf: GGUFFile(path: Self.mmproj))
        #expect(c.imageSize == 56 && c.patchSize == 14 && c.patchCount == 16 && c.positions == 17)
        #expect(c.hidden == 32 && c.heads == 4 && c.headDim == 8 && c.ffnDim == 64)
        #expect(c.blockCount == 3 && c.layersRun == 2 && !c.useGELU)
        #expect(c.projectorHidden == 64 && c.projectionDim == 64)
        #expect(abs(c.layerNormEpsilon - 1e-5) < 1e-9)
        #expect(c.imageMean.count == 3 && abs(c.imageMean[0] - 0.48145466) < 1e-6 && abs(c.imageStd[2] - 0.27577711) < 1e-6)
    }

    @Test func refusesAnUnsupportedProjector() throws {
        let path = try Self.damagedCopy(Self.replace("mlp", with: "ldp", after: GGUFKey.clipProjectorType))
        let error = try #require(Self.loadError(path))
        #expect(error.path == path)
        #expect(error.reason.contains("unsupported projector type 'ldp'"), "\(error)")
    }

    @Test func refusesAMissingTensor() throws {
        let path = try Self.damagedCopy(Self.replace("v.blk.1.attn_k.weight", with: "v.blk.1.attn_K.weight"))
        let error = try #require(Self.loadError(path))
        #expect(error.reason == "missing tensor v.blk.1.attn_k.weight", "\(error)")
        // The last block is not run, but it must be there too.
        let last = try Self.damagedCopy(Self.replace("v.blk.2.ffn_up.bias", with: "v.blk.2.ffn_UP.bias"))
        #expect(Self.loadError(last)?.reason == "missing tensor v.blk.2.ffn_up.bias")
    }

    @Test func refusesAFileWithoutAVisionEncoder() throws {
        // A language model is not an mmproj file.
        let error = try #require(Self.loadError(Fixtures.path("tiny-llava/tiny-llama-f32.gguf")))
        #expect(error.reason.contains("unsupported architecture 'llama'"), "\(error)")
        // A clip file whose architecture key names something else.
        let other = try Self.damagedCopy(Self.replace("clip", with: "clap", after: GGUFKey.architecture))
        #expect(Self.loadError(other)?.reason.contains("unsupported architecture 'clap'") == true)
    }

    @Test func refusesTensorsThatDisagreeWithTheConfiguration() throws {
        let path = try Self.damagedCopy(Self.setUInt32(GGUFKey.visionFeedForwardLength, to: 48))
        #expect(Self.loadError(path)?.reason == "tensor v.blk.0.ffn_down.weight has shape [32, 64], expected [32, 48]")
        let heads = try Self.damagedCopy(Self.setUInt32(GGUFKey.visionHeadCount, to: 5))
        #expect(Self.loadError(heads)?.reason == "clip.vision.embedding_length 32 is not a multiple of clip.vision.attention.head_count 5")
    }

    @Test func refusesAFileWithoutALLaVAProjector() throws {
        // Flip the value byte of clip.has_llava_projector (key, BOOL type, one byte).
        let path = try Self.damagedCopy { bytes in
            let key = Array(GGUFKey.clipHasLLaVAProjector.utf8)
            let at = try #require(Self.find(key, in: bytes)) + key.count
            #expect(bytes[at..<at + 5].elementsEqual([7, 0, 0, 0, 1]), "a true BOOL")
            bytes[at + 4] = 0
        }
        #expect(Self.loadError(path)?.reason.contains("no LLaVA projector") == true)
    }
}
