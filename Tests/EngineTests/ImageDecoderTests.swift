import Engine
import Testing
import TestSupport

@Suite struct ImageDecoderTests {
    let decoder = ImageDecoder()

    // MARK: The shared fixtures

    /// Decoded pixels: PNG exact; JPEG within ±2 at 4:4:4 (tiny_56.jpg) and ±3 at 4:2:0, where the
    /// IDCT and chroma upsampling of two decoders round differently.
    @Test(.requires(.sharedFixtures), arguments: [("jpg_native", 2), ("png_tmpl", 0), ("wide_png_tmpl", 0), ("photo_jpg_native", 3)])
    func decodesFixtureLikeTheReference(caseName: String, tolerance: Int) throws {
        let reference = try ImageTestFiles.referenceCase(caseName)
        let image = try decoder.decode(ImageTestFiles.fixture(reference.image))
        #expect(image.width == reference.width && image.height == reference.height)
        let expected = try ImageTestFiles.fixture(reference.decodedPixelsFile)
        try #require(image.pixels.count == expected.count)
        let difference = ImageTestFiles.maxDifference(image.pixels, expected)
        print("\(reference.image): largest difference from the reference decode \(difference)")
        #expect(difference <= tolerance)
    }

    // MARK: Pillow's decode of every kind of file (Tests/ImageTestData, scripts/make-image-testdata.py)

    @Test(arguments: [
        "rgb16_gamma_13x11.png", "rgba16_13x11.png", "gray16_13x11.png", "grayalpha16_13x11.png",
        "rgba8_13x11.png", "grayalpha8_13x11.png", "gray8_trns_13x11.png", "gray1_13x11.png",
        "gray2_13x11.png", "gray4_13x11.png", "palette4_trns_13x11.png", "palette8_short_13x11.png",
        "rgb8_trns_interlaced_13x11.png", "palette2_interlaced_13x11.png",
    ])
    func decodesPNGExactlyAsPillow(file: String) throws {
        let image = try decoder.decode(ImageTestFiles.testData(file))
        #expect(image.width == 13 && image.height == 11)
        #expect(image.pixels == (try ImageTestFiles.testData(Self.referenceName(file))))
    }

    @Test(arguments: [
        ("progressive_64x48.jpg", 3), ("gray_40x30.jpg", 2), ("cmyk_32x24.jpg", 2), ("ycck_32x24.jpg", 2),
        ("subsampled422_33x17.jpg", 3), ("subsampled440_33x17.jpg", 3), ("subsampled411_33x17.jpg", 3),
    ])
    func decodesJPEGLikePillow(file: String, tolerance: Int) throws {
        let image = try decoder.decode(ImageTestFiles.testData(file))
        let expected = try ImageTestFiles.testData(Self.referenceName(file))
        try #require(image.pixels.count == expected.count)
        let difference = ImageTestFiles.maxDifference(image.pixels, expected)
        print("\(file): largest difference from Pillow \(difference)")
        #expect(difference <= tolerance)
    }

    // MARK: Bad input

    @Test func rejectsEmptyData() {
        #expect(throws: ImageError.empty) { try decoder.decode([]) }
    }

    @Test func rejectsUnknownFormat() {
        #expect(throws: ImageError.unknownFormat) { try decoder.decode(Array("GIF89a, or any text".utf8)) }
        #expect(throws: ImageError.unknownFormat) { try decoder.decode([0x89, 0x50, 0x4E]) }
    }

    @Test(.requires(.sharedFixtures), arguments: [2, 20, 100, 300, 600, 1728, 3454])
    func rejectsTruncatedJPEG(length: Int) throws {
        let jpeg = try ImageTestFiles.fixture("tiny_56.jpg")
        #expect(throws: ImageError.truncated(.jpeg)) { try decoder.decode(Array(jpeg.prefix(length))) }
    }

    @Test(.requires(.sharedFixtures), arguments: [8, 20, 40, 100, 400, 700])
    func rejectsTruncatedPNG(length: Int) throws {
        let png = try ImageTestFiles.fixture("tiny_56.png")
        #expect(throws: ImageError.truncated(.png)) { try decoder.decode(Array(png.prefix(length))) }
    }

    @Test(.requires(.sharedFixtures)) func rejectsCorruptPNGData() throws {
        var png = try ImageTestFiles.fixture("tiny_56.png")
        png[png.count / 2] ^= 0xFF  // inside the compressed image data
        #expect(throws: ImageError.corrupt(.png, reason: "bad adaptive filter value")) { try decoder.decode(png) }
        var badCRC = try ImageTestFiles.fixture("tiny_56.png")
        badCRC[23] = 57  // IHDR's height (56): IHDR's CRC no longer matches
        #expect(throws: ImageError.corrupt(.png, reason: "IHDR: CRC error")) { try decoder.decode(badCRC) }
        let garbage: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0x41, count: 40)
        #expect(throws: ImageError.corrupt(.png, reason: "the first chunk is not IHDR")) { try decoder.decode(garbage) }
        let damagedSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x0A, 0x0A] + png.dropFirst(8)
        #expect(throws: ImageError.corrupt(.png, reason: "the PNG signature is damaged")) {
            try decoder.decode(damagedSignature)
        }
    }

    @Test(.requires(.sharedFixtures)) func rejectsCorruptJPEGData() throws {
        // The quantization tables (DQT, FFDB) turned into an application segment: the frame uses
        // undefined tables, a fatal error (undefined Huffman tables are not: libjpeg has defaults).
        var jpeg = try ImageTestFiles.fixture("tiny_56.jpg")
        for index in 0..<jpeg.count - 1 where jpeg[index] == 0xFF && jpeg[index + 1] == 0xDB { jpeg[index + 1] = 0xE5 }
        #expect(throws: ImageError.corrupt(.jpeg, reason: "Quantization table 0x00 was not defined")) {
            try decoder.decode(jpeg)
        }
    }

    @Test(.requires(.sharedFixtures)) func acceptsDamagedScanDataAsPillowDoes() throws {
        // libjpeg warns of bad Huffman codes and carries on; Pillow ignores such warnings.
        var jpeg = try ImageTestFiles.fixture("tiny_56.jpg")
        for index in jpeg.count / 2..<jpeg.count / 2 + 200 { jpeg[index] = 0x5A }
        let image = try decoder.decode(jpeg)
        #expect(image.width == 56 && image.height == 56)
    }

    @Test(.requires(.sharedFixtures)) func rejectsUnsupportedJPEG() throws {
        var jpeg = try ImageTestFiles.fixture("tiny_56.jpg")
        let sof = try #require((0..<jpeg.count - 9).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg[sof + 4] = 12  // 12-bit samples
        #expect(throws: ImageError.unsupported(.jpeg, reason: "Unsupported JPEG data precision 12")) {
            try decoder.decode(jpeg)
        }
    }

    @Test(.requires(.sharedFixtures)) func rejectsDecompressionBombs() throws {
        let png = try ImageTestFiles.testData("bomb_100000x100000.png")
        #expect(throws: ImageError.tooLarge(.png, width: 100_000, height: 100_000, limits: .default)) {
            try decoder.decode(png)
        }
        let jpeg = try Self.jpeg(withWidth: 65_000, height: 65_000)
        #expect(throws: ImageError.tooLarge(.jpeg, width: 65_000, height: 65_000, limits: .default)) {
            try decoder.decode(jpeg)
        }
    }

    @Test(.requires(.sharedFixtures)) func appliesConfiguredLimits() throws {
        let jpeg = try ImageTestFiles.fixture("tiny_56.jpg")
        let fewPixels = ImageLimits(maxPixels: 1000, maxSide: 1000)
        #expect(throws: ImageError.tooLarge(.jpeg, width: 56, height: 56, limits: fewPixels)) {
            try ImageDecoder(limits: fewPixels).decode(jpeg)
        }
        let shortSides = ImageLimits(maxPixels: 1_000_000, maxSide: 55)
        #expect(throws: ImageError.tooLarge(.jpeg, width: 56, height: 56, limits: shortSides)) {
            try ImageDecoder(limits: shortSides).decode(jpeg)
        }
    }

    @Test(.requires(.sharedFixtures)) func rejectsZeroSizes() throws {
        #expect(throws: ImageError.zeroSize(.png)) { try decoder.decode(ImageTestFiles.testData("zero_width.png")) }
        #expect(throws: ImageError.zeroSize(.jpeg)) { try decoder.decode(Self.jpeg(withWidth: 56, height: 0)) }
    }

    @Test(.requires(.sharedFixtures)) func decodesGoodImagesAfterBadOnes() throws {
        let jpeg = try ImageTestFiles.fixture("tiny_56.jpg")
        let png = try ImageTestFiles.fixture("tiny_56.png")
        for bad in [[], Array(jpeg.prefix(300)), Array(png.prefix(100)), [0xFF, 0xD8, 0xFF, 0x00]] {
            #expect(throws: ImageError.self) { try decoder.decode(bad) }
        }
        #expect(try decoder.decode(jpeg).width == 56)
        #expect(try decoder.decode(png).pixels == (try ImageTestFiles.fixture("ref_png_tmpl.pixels.rgb")))
    }

    @Test func explainsErrorsInSentences() {
        #expect(ImageError.truncated(.png).description == "The PNG image is truncated: the data ends before the image does.")
        let bomb = ImageError.tooLarge(.png, width: 100_000, height: 100_000, limits: .default)
        #expect(bomb.description == "The PNG image is 100000×100000 pixels, too large: at most 89478485 pixels and 65535 pixels a side are accepted.")
    }

    // MARK: Helpers

    static func referenceName(_ file: String) -> String {
        String(file[..<(file.lastIndex(of: ".") ?? file.endIndex)]) + ".rgb"
    }

    /// tiny_56.jpg with its frame header (SOF0) claiming another size.
    static func jpeg(withWidth width: Int, height: Int) throws -> [UInt8] {
        var jpeg = try ImageTestFiles.fixture("tiny_56.jpg")
        let sof = try #require((0..<jpeg.count - 9).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg[sof + 5] = UInt8(height >> 8)
        jpeg[sof + 6] = UInt8(height & 0xFF)
        jpeg[sof + 7] = UInt8(width >> 8)
        jpeg[sof + 8] = UInt8(width & 0xFF)
        return jpeg
    }
}
