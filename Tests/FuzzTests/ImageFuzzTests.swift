import Engine
import Foundation
import Testing
import TestSupport

/// Real JPEG and PNG files, mutated: every mutant decodes to an image of the size its pixels say, or
/// fails with an `ImageError` whose text is a sentence; a header claiming more pixels than the limits
/// is refused as too large before anything is allocated; and the memory the run makes resident stays
/// bounded by what the limits allow one image.
@Suite struct ImageFuzzTests {
    /// Small limits, so that a mutant within them costs little: 4 Mpixels, 4096 a side.
    static let limits = ImageLimits(maxPixels: 1 << 22, maxSide: 4096)

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every JPEG and PNG of Tests/ImageTestData, and those of the shared fixtures when present.
    static func seedFiles() throws -> [(name: String, bytes: [UInt8])] {
        let folders = [packageRoot.appendingPathComponent("Tests/ImageTestData"), Fixture.sharedDirectory.appendingPathComponent("tiny-llava")]
        var files: [(String, [UInt8])] = []
        for folder in folders {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { continue }
            for name in names.sorted() where name.hasSuffix(".jpg") || name.hasSuffix(".png") {
                files.append((name, [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))))
            }
        }
        return files
    }

    @Test func mutatedImagesDecodeOrFailWithAnImageError() throws {
        let files = try Self.seedFiles()
        #expect(files.count >= 20, "the image test files are missing")
        let decoder = ImageDecoder(limits: Self.limits)
        var decoded = 0, refused: [String: Int] = [:], tooLargeClaims = 0
        let (_, rise) = PeakMemory.rise {
            FuzzRun("images", seed: 0x1A6E_0001, iterations: 6000).run { rng, replay in
                let (name, original) = rng.element(files)
                let (bytes, claim) = Self.mutant(of: original, &rng)
                do throws(ImageError) {
                    let image = try decoder.decode(bytes)
                    #expect(image.width > 0 && image.height > 0 && image.pixels.count == image.width * image.height * 3, "\(replay) \(name)")
                    #expect(image.width * image.height <= Self.limits.maxPixels, "\(replay) \(name)")
                    #expect(claim.map { !Self.exceedsLimits($0) } ?? true, "an image beyond the limits was decoded: \(replay) \(name)")
                    decoded += 1
                } catch {
                    #expect(error.description.hasPrefix("The ") && error.description.hasSuffix("."), "\(replay) \(name): \(error)")
                    if let claim, Self.exceedsLimits(claim) {
                        tooLargeClaims += 1
                        // libjpeg refuses a side over 65,500 itself, while reading the header.
                        let libjpegRefuses = original.starts(with: [0xFF, 0xD8]) && max(claim.width, claim.height) > 65_500
                        guard case .tooLarge = error else {
                            if libjpegRefuses { return }
                            Issue.record("a header of \(claim.width)×\(claim.height) was not refused as too large but: \(error) — \(replay) \(name)")
                            return
                        }
                    }
                    refused[Self.kind(error), default: 0] += 1
                }
            }
        }
        print("fuzz images: \(decoded) decoded, refused \(refused.sorted { $0.key < $1.key }), \(tooLargeClaims) headers beyond the limits; peak rose \(PeakMemory.megabytes(rise))")
        // Both outcomes must be common, or the mutations test nothing.
        #expect(decoded > 150)
        #expect(refused.values.reduce(0, +) > 3000)
        #expect(tooLargeClaims > 500)
        // One image at the limits is 4 Mpixels: 16 MB of CMYK and 12 MB of RGB, plus libjpeg's
        // coefficient buffers for a progressive file. Nothing may cost more than a few of those.
        if let rise { #expect(rise < 160_000_000, "the image fuzz run made \(PeakMemory.megabytes(rise)) resident") }
    }

    /// A side and its partner as a mutant's header claims them, when the mutation set them.
    struct Claim {
        let width: Int
        let height: Int
    }

    static func exceedsLimits(_ claim: Claim) -> Bool {
        let (pixels, overflow) = claim.width.multipliedReportingOverflow(by: claim.height)
        return claim.width > 0 && claim.height > 0
            && (overflow || pixels > limits.maxPixels || claim.width > limits.maxSide || claim.height > limits.maxSide)
    }

    /// A mutant of `original`: its header's size set to edge values (and nothing else changed, so the
    /// claim is what the decoder reads), or bytes spoilt anywhere, mostly near the start.
    static func mutant(of original: [UInt8], _ rng: inout SplitMix64) -> ([UInt8], Claim?) {
        var bytes = original
        let sides = [0, 1, 2, 255, 4096, 4097, 8191, 20_000, 65_535, 65_536, 1 << 24, (1 << 31) - 1, 1 << 31, 0xFFFF_FFFF]
        switch rng.below(4) {
        case 0:
            // PNG: IHDR's width and height (big-endian, at 16 and 20). JPEG: the frame header's
            // height and width (16 bits each, after the marker, its length and the precision).
            var width = rng.oneIn(3) ? rng.element(sides) : rng.below(6000)
            var height = rng.oneIn(3) ? rng.element(sides) : rng.below(6000)
            if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), bytes.count >= 24 {
                rng.overwrite(&bytes, at: 16, with: UInt32(truncatingIfNeeded: width), bigEndian: true)
                rng.overwrite(&bytes, at: 20, with: UInt32(truncatingIfNeeded: height), bigEndian: true)
                // Mostly with IHDR's checksum made right again, so that libpng reads on.
                if !rng.oneIn(4), bytes.count >= 33 {
                    rng.overwrite(&bytes, at: 29, with: CRC32.checksum(bytes[12..<29]), bigEndian: true)
                }
                width = Int(UInt32(truncatingIfNeeded: width))
                height = Int(UInt32(truncatingIfNeeded: height))
            } else if let frame = startOfFrame(bytes) {
                width = Int(UInt16(truncatingIfNeeded: width))
                height = Int(UInt16(truncatingIfNeeded: height))
                rng.overwrite(&bytes, at: frame + 5, with: UInt16(height), bigEndian: true)
                rng.overwrite(&bytes, at: frame + 7, with: UInt16(width), bigEndian: true)
            } else {
                return (bytes, nil)
            }
            return (bytes, Claim(width: width, height: height))
        case 1:
            // The header region: where sizes, tables and chunk lengths are.
            var head = Array(bytes.prefix(200))
            head = rng.mutate(head, rounds: 4)
            return (head + bytes.dropFirst(200), nil)
        case 2:
            return (Array(bytes.prefix(rng.below(bytes.count + 1))), nil)
        default:
            return (rng.mutate(bytes, rounds: 6), nil)
        }
    }

    /// The offset of the first SOFn marker (baseline, extended, progressive) of a JPEG.
    static func startOfFrame(_ bytes: [UInt8]) -> Int? {
        var index = 2
        while index + 9 < bytes.count {
            guard bytes[index] == 0xFF else { return nil }
            let marker = bytes[index + 1]
            if (0xC0...0xC2).contains(marker) { return index }
            let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            index += 2 + length
        }
        return nil
    }

    static func kind(_ error: ImageError) -> String {
        switch error {
        case .empty: "empty"
        case .unknownFormat: "unknownFormat"
        case .truncated: "truncated"
        case .zeroSize: "zeroSize"
        case .tooLarge: "tooLarge"
        case .corrupt: "corrupt"
        case .unsupported: "unsupported"
        }
    }
}
