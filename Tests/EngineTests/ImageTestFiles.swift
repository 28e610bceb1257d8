import Engine
import Foundation
import Testing
import TestSupport

/// Files the image tests read: the shared fixtures (`../shared/fixtures/tiny-llava` beside the package)
/// and the Pillow-made images of `Tests/ImageTestData` (see scripts/make-image-testdata.py).
enum ImageTestFiles {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = Fixture.sharedDirectory.appendingPathComponent("tiny-llava")
    static let testData = packageRoot.appendingPathComponent("Tests/ImageTestData")

    static func fixture(_ name: String) throws -> [UInt8] { try bytes(fixtures.appendingPathComponent(name)) }
    static func testData(_ name: String) throws -> [UInt8] { try bytes(testData.appendingPathComponent(name)) }

    static func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

    /// The image of `file` (HWC RGB bytes), checked for size.
    static func rgb(_ pixels: [UInt8], width: Int, height: Int) throws -> RGBImage {
        try #require(RGBImage(width: width, height: height, pixels: pixels))
    }

    /// One case of tiny-llava/reference.json, the fields the image path uses.
    struct ReferenceCase {
        let image: String
        let width: Int
        let height: Int
        let decodedPixelsFile: String
        let imageSize: Int
        let pixelsFile: String
    }

    static func referenceCase(_ name: String) throws -> ReferenceCase {
        let json = try JSONSerialization.jsonObject(with: Data(fixture("reference.json"))) as? [String: Any]
        let cases = try #require(json?["cases"] as? [[String: Any]])
        let found = try #require(cases.first { $0["case"] as? String == name })
        return ReferenceCase(
            image: try #require(found["image"] as? String),
            width: try #require(found["width"] as? Int),
            height: try #require(found["height"] as? Int),
            decodedPixelsFile: try #require(found["decoded_pixels_file"] as? String),
            imageSize: try #require(found["image_size"] as? Int),
            pixelsFile: try #require(found["pixels_file"] as? String))
    }

    static let referenceCaseNames = ["jpg_native", "png_tmpl", "wide_png_tmpl", "photo_jpg_native"]

    /// The largest per-byte difference between two equally long byte arrays.
    static func maxDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
        zip(a, b).reduce(0) { max($0, abs(Int($1.0) - Int($1.1))) }
    }
}
