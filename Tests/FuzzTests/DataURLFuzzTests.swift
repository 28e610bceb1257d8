@testable import ControllerKit
import Engine
import Foundation
import LoomProtocol
import Testing
import TestSupport

/// Images given inline as `data:image/…;base64,…`, mutated: the controller turns each into a JPEG or
/// PNG file no larger than its limit, or refuses it with a 400 sentence (`bad_image`, or
/// `bad_request` for a remote URL); a file it passes on then decodes on the worker's side to an image
/// or an `ImageError`. Wrapped base64 (whitespace anywhere) gives back the file exactly.
@Suite struct DataURLFuzzTests {
    /// Small, so that the size checks are reached by mutants of these small files.
    static let maxBytes = 3000

    @Test func mutatedDataURLsGiveAnImageFileOrAClearError() throws {
        let files = try ImageFuzzTests.seedFiles().filter { $0.bytes.count <= Self.maxBytes }
        #expect(files.count >= 15)
        let decoder = ImageDecoder(limits: ImageFuzzTests.limits)
        var outcomes: [String: Int] = [:]
        let (_, rise) = PeakMemory.rise {
            FuzzRun("data-urls", seed: 0xDA7A_0001, iterations: 2000).run { rng, replay in
                let (name, file) = rng.element(files)
                let (url, wrappedOnly) = Self.mutant(of: file, &rng)
                let context = "\(replay) \(name): \(url.prefix(120))"
                do throws(APIError) {
                    let bytes = try ImageDataURL.decode(url, maxBytes: Self.maxBytes)
                    #expect(bytes.count <= Self.maxBytes, "\(context)")
                    #expect(bytes.starts(with: [0xFF, 0xD8, 0xFF]) || bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "\(context)")
                    if wrappedOnly { #expect(bytes == file, "whitespace changed the file: \(context)") }
                    do throws(ImageError) {
                        _ = try decoder.decode(bytes)
                        outcomes["decoded", default: 0] += 1
                    } catch {
                        #expect(error.description.hasSuffix("."), "\(context)")
                        outcomes["passed on, refused by the decoder", default: 0] += 1
                    }
                } catch {
                    #expect(!wrappedOnly, "wrapped base64 refused: \(error.message) — \(context)")
                    #expect(error.status.code == 400 && (error.code == .badImage || error.code == .badRequest), "\(error.message) — \(context)")
                    BodyFuzzTests.checkSentence(error.message, context)
                    outcomes["refused: " + error.message.prefix(40), default: 0] += 1
                }
            }
        }
        print("fuzz data-urls: \(outcomes.sorted { $0.key < $1.key }); peak rose \(PeakMemory.megabytes(rise))")
        #expect(outcomes["decoded", default: 0] > 200)
        #expect(outcomes.filter { $0.key.hasPrefix("refused") }.values.reduce(0, +) > 400)
        if let rise { #expect(rise < 160_000_000, "the data URL fuzz run made \(PeakMemory.megabytes(rise)) resident") }
    }

    /// A data URL of `file`, spoilt; true when only whitespace was put in its base64 (which must not
    /// change what it decodes to).
    static func mutant(of file: [UInt8], _ rng: inout SplitMix64) -> (String, Bool) {
        let prefixes = [
            "data:image/jpeg;base64,", "data:image/png;base64,", "DATA:IMAGE/PNG;BASE64,", "data:;base64,",
            "data:image/jpeg,", "data:image/jpeg;charset=utf-8;base64,", "data:image/jpeg;base64", "data:",
            "http://example.com/a.jpg?", "HTTPS://x/", "file:///etc/passwd,", "", "data:image/jpeg;base64,,",
        ]
        var encoded = Array(Data(file).base64EncodedString().utf8)
        var prefix = "data:image/jpeg;base64,"
        var wrappedOnly = false
        switch rng.below(6) {
        case 0:
            prefix = rng.element(prefixes)
        case 1:
            // Wrapped as mail and PEM wrap base64: whitespace anywhere in it.
            for _ in 0..<(1 + rng.below(40)) {
                encoded.insert(rng.element([0x20, 0x0A, 0x0D, 0x09]), at: rng.below(encoded.count + 1))
            }
            wrappedOnly = true
        case 2:
            // Characters outside base64's alphabet, or its padding in the wrong place.
            for _ in 0..<(1 + rng.below(3)) where !encoded.isEmpty {
                encoded[rng.below(encoded.count)] = rng.element(Array("=-_!*.:é\u{7F}".utf8))
            }
        case 3:
            encoded.removeLast(rng.below(encoded.count + 1))
        case 4:
            // Longer than the limit, a little or a lot.
            let extra = rng.element([1, 4, 100, maxBytes, 10 * maxBytes])
            encoded += Array(Data(rng.bytes(extra)).base64EncodedString().utf8)
        default:
            // The file's own bytes spoilt, then encoded properly.
            encoded = Array(Data(rng.mutate(file, rounds: 3)).base64EncodedString().utf8)
        }
        return (prefix + String(decoding: encoded, as: UTF8.self), wrappedOnly)
    }
}
