import Engine
import Foundation
import Testing
import TestSupport

/// GGUF files mutated where a reader trusts them most: counts, string and array lengths, value types,
/// tensor dimensions, types and offsets, and bytes anywhere in the header. Each mutant either opens,
/// with every tensor's data inside the mapped file (its first and last byte are read), or fails with
/// a `GGUFError` naming the file; an opened one then gives a model configuration, a vision
/// configuration and a tokenizer, or their errors, and the tokenizer encodes and decodes text.
@Suite struct GGUFFuzzTests {
    static let vocabulary = Fixture.sharedDirectory.appendingPathComponent("ggml-vocab-llama-spm.gguf").path
    static let mmproj = Fixture.sharedDirectory.appendingPathComponent("tiny-llava/tiny-mmproj-f32.gguf").path

    @Test func mutatedFilesOpenOrFailWithAGGUFError() throws {
        // The built model, and the real files of the shared fixtures when present: a 32,000-token
        // SentencePiece vocabulary and the tiny vision projector.
        var seeds: [(name: String, bytes: [UInt8])] = [("built", GGUFBuilder.model)]
        for path in [Self.vocabulary, Self.mmproj] where FileManager.default.fileExists(atPath: path) {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            seeds.append((URL(fileURLWithPath: path).lastPathComponent, bytes))
        }
        if Fixture.isCI { #expect(seeds.count == 3, "the shared fixtures are missing") }
        let layouts = seeds.map { GGUFLayout($0.bytes) }
        for (seed, layout) in zip(seeds, layouts) {
            #expect(layout.fields.count > 10 && layout.headerEnd > 0, "\(seed.name): the layout walk failed")
            // Each seed opens as it is.
            let path = try Self.write(seed.bytes, name: "seed")
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(throws: Never.self) { _ = try GGUFFile(path: path) }
        }

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loom-gguf-fuzz-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("mutant.gguf").path
        var opened = 0, refused = 0, configured = 0, tokenizers = 0
        let (_, rise) = try PeakMemory.rise {
            try FuzzRun("gguf", seed: 0x66_0001, iterations: 400).run { rng, replay in
                // The built file most often: it is small and reaches every reader.
                let index = rng.oneIn(2) ? 0 : rng.below(seeds.count)
                let (name, original) = seeds[index]
                let bytes = Self.mutant(of: original, layouts[index], &rng)
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                let context = "\(replay) (\(name))"
                let file: GGUFFile
                do throws(GGUFError) {
                    file = try GGUFFile(path: path)
                } catch {
                    #expect(error.path == path && !error.reason.isEmpty, "\(context): \(error)")
                    refused += 1
                    return
                }
                opened += 1
                configured += Self.checkOpened(file, size: bytes.count, context) ? 1 : 0
                tokenizers += Self.checkTokenizer(file, context) ? 1 : 0
            }
        }
        print("fuzz gguf: \(opened) opened (\(configured) configured, \(tokenizers) tokenizers), \(refused) refused; peak rose \(PeakMemory.megabytes(rise))")
        #expect(opened > 40 && refused > 150 && configured > 10 && tokenizers > 10)
        // The largest seed is under 1 MB; its metadata, parsed, takes some tens of MB at most.
        if let rise { #expect(rise < 200_000_000, "the GGUF fuzz run made \(PeakMemory.megabytes(rise)) resident") }
    }

    /// Every tensor lies inside the file; the configurations read or say why not. True when a
    /// language or vision configuration was read.
    static func checkOpened(_ file: GGUFFile, size: Int, _ context: String) -> Bool {
        var checksum: UInt8 = 0
        for tensor in file.tensors {
            let sizeRight = tensor.type.rowBytes(tensor.shape[0]).map { $0 * tensor.shape.dropFirst().reduce(1, *) } == tensor.byteCount
            #expect(sizeRight && tensor.offset >= 0 && tensor.offset + tensor.byteCount <= size, "\(context): \(tensor)")
            guard tensor.byteCount > 0, tensor.offset + tensor.byteCount <= size else { continue }
            // Reading outside the mapping would end the process.
            let data = file.data(tensor).assumingMemoryBound(to: UInt8.self)
            checksum ^= data[0] ^ data[tensor.byteCount - 1]
        }
        _ = checksum
        var configured = false
        do {
            let config = try LlamaConfig(gguf: file)
            #expect(config.dim > 0 && config.heads > 0 && config.dim % config.heads == 0 && config.ropeDim <= config.headDim, "\(context)")
            #expect(config.rmsEpsilon > 0 && config.rmsEpsilon.isFinite && config.ropeBase > 0 && config.contextLength > 0, "\(context)")
            configured = true
        } catch {
            #expect(error.path == file.path && !error.reason.isEmpty, "\(context)")
        }
        do {
            let config = try VisionConfig(gguf: file)
            _ = try ImagePreprocessor(mmproj: file)
            #expect(config.layerNormEpsilon > 0 && config.layerNormEpsilon.isFinite, "\(context)")
            configured = true
        } catch {
            #expect(error.path == file.path && !error.reason.isEmpty, "\(context)")
        }
        return configured
    }

    /// A tokenizer built from the mutant's metadata, if any, encodes and decodes without trapping
    /// and gives ids inside its vocabulary.
    static func checkTokenizer(_ file: GGUFFile, _ context: String) -> Bool {
        let tokenizer: Tokenizer
        do {
            tokenizer = try Tokenizer(gguf: file)
        } catch {
            #expect(!error.description.isEmpty, "\(context)")
            return false
        }
        for text in ["", "ab a abc é", "<s> hi </s><|im_end|>", "\u{0}\u{FFFD} 🌍 \n\n  x"] {
            for special in [false, true] {
                let ids = tokenizer.encode(text, parseSpecial: special, addSpecial: special)
                #expect(ids.allSatisfy { $0 >= 0 && Int($0) < tokenizer.vocabularySize }, "\(context): \(text) gave \(ids)")
                _ = tokenizer.decode(ids, renderSpecial: special)
            }
        }
        return true
    }

    // MARK: Mutations

    static func mutant(of original: [UInt8], _ layout: GGUFLayout, _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = original
        switch rng.below(5) {
        case 0, 1, 2:
            // One to three header fields set to edge values of their width.
            for _ in 0..<(1 + rng.below(3)) {
                let field = rng.element(layout.fields)
                let value: UInt64 =
                    switch field.kind {
                    case .valueType, .elementType, .tensorType: UInt64(rng.below(40))
                    case .dimensionCount: UInt64(rng.below(7))
                    case .tensorOffset where rng.oneIn(2): UInt64(rng.below(64) * 32)
                    case .stringLength where rng.oneIn(2): UInt64(rng.below(300))
                    case .arrayLength where rng.oneIn(2): UInt64(rng.below(100_000))
                    default: rng.oneIn(3) ? UInt64(rng.below(1 << 16)) : rng.element(ByteMutation.interesting64)
                    }
                switch field.width {
                case 1: rng.overwrite(&bytes, at: field.offset, with: UInt8(truncatingIfNeeded: value), bigEndian: false)
                case 2: rng.overwrite(&bytes, at: field.offset, with: UInt16(truncatingIfNeeded: value), bigEndian: false)
                case 4: rng.overwrite(&bytes, at: field.offset, with: UInt32(truncatingIfNeeded: value), bigEndian: false)
                default: rng.overwrite(&bytes, at: field.offset, with: value, bigEndian: false)
                }
            }
        case 3:
            // Bytes spoilt in the header.
            let end = max(layout.headerEnd, 24)
            bytes = rng.mutate(Array(bytes.prefix(end)), rounds: 4) + bytes.dropFirst(end)
        default:
            // Cut short, mostly inside the header or the first tensor's data.
            let end = rng.oneIn(2) ? layout.headerEnd + 64 : bytes.count
            bytes = Array(bytes.prefix(rng.below(min(end, bytes.count) + 1)))
        }
        return bytes
    }

    static func write(_ bytes: [UInt8], name: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("loom-gguf-fuzz-\(getpid())-\(name).gguf")
        try Data(bytes).write(to: url)
        return url.path
    }
}
