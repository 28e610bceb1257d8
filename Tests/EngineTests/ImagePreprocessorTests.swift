import Engine
import Testing
import TestSupport

@Suite struct ImagePreprocessorTests {
    /// CLIP's normalisation, as in the fixtures' mmproj.
    static let clipMean: [Float] = [0.48145466, 0.4578275, 0.40821073]
    static let clipStd: [Float] = [0.26862954, 0.26130258, 0.27577711]

    static func mmprojPreprocessor() throws -> ImagePreprocessor {
        let file = try GGUFFile(path: ImageTestFiles.fixtures.appendingPathComponent("tiny-mmproj-f32.gguf").path)
        return try ImagePreprocessor(mmproj: file)
    }

    @Test(.requires(.sharedFixtures)) func readsTheMMProjSettings() throws {
        let preprocessor = try Self.mmprojPreprocessor()
        #expect(preprocessor.imageSize == 56)
        #expect(preprocessor.background == [122, 116, 104])
        #expect(preprocessor.mean.count == 3 && preprocessor.std.count == 3)
    }

    /// The encoder input, exact, computed from the reference's own decode of every fixture.
    @Test(.requires(.sharedFixtures), arguments: ImageTestFiles.referenceCaseNames)
    func preprocessesTheReferenceDecodeExactly(caseName: String) throws {
        let reference = try ImageTestFiles.referenceCase(caseName)
        let decoded = try ImageTestFiles.rgb(
            ImageTestFiles.fixture(reference.decodedPixelsFile), width: reference.width, height: reference.height)
        let preprocessor = try Self.mmprojPreprocessor()
        try #require(preprocessor.imageSize == reference.imageSize)
        let pixels = preprocessor.pixels(for: decoded)
        #expect(pixels.width == reference.imageSize && pixels.height == reference.imageSize)
        #expect(pixels.pixels == (try ImageTestFiles.fixture(reference.pixelsFile)))
    }

    /// From the file's bytes to the encoder input: exact for PNG, within the decoders' rounding for JPEG.
    @Test(.requires(.sharedFixtures), arguments: [("png_tmpl", 0), ("wide_png_tmpl", 0), ("photo_jpg_native", 3), ("jpg_native", 2)])
    func preprocessesFixtureFilesEndToEnd(caseName: String, tolerance: Int) throws {
        let reference = try ImageTestFiles.referenceCase(caseName)
        let image = try ImageDecoder().decode(ImageTestFiles.fixture(reference.image))
        let pixels = try Self.mmprojPreprocessor().pixels(for: image)
        let difference = ImageTestFiles.maxDifference(pixels.pixels, try ImageTestFiles.fixture(reference.pixelsFile))
        print("\(reference.image): largest difference of the encoder input \(difference)")
        #expect(difference <= tolerance)
    }

    /// Pillow's expand2square + resize of a tall image (upscaled) and a wide one (shrunk 18×).
    @Test(arguments: [
        ("upscale_20x30.png", "upscale_20x30.llava56.rgb"), ("downscale_1000x700.png", "downscale_1000x700.llava56.rgb"),
    ])
    func padsAndResizesExactlyAsLLaVA(source: String, reference: String) throws {
        let preprocessor = try #require(ImagePreprocessor(imageSize: 56, mean: Self.clipMean, std: Self.clipStd))
        let image = try ImageDecoder().decode(ImageTestFiles.testData(source))
        #expect(preprocessor.pixels(for: image).pixels == (try ImageTestFiles.testData(reference)))
    }

    @Test func centresAWideImageWithPaddingAboveAndBelow() throws {
        // 8 × 3 on an 8 × 8 square (no resize): (8 − 3) / 2 = 2 rows above, 3 below.
        let preprocessor = try #require(ImagePreprocessor(imageSize: 8, mean: Self.clipMean, std: Self.clipStd))
        let image = try #require(RGBImage(width: 8, height: 3, filledWith: (1, 2, 3)))
        let pixels = preprocessor.pixels(for: image)
        for y in 0..<8 {
            let expected: [UInt8] = (2..<5).contains(y) ? [1, 2, 3] : [122, 116, 104]
            for x in 0..<8 { #expect(Self.pixel(pixels, x, y) == expected, "at (\(x), \(y))") }
        }
    }

    @Test func centresATallImageWithPaddingLeftAndRight() throws {
        // 4 × 8 on an 8 × 8 square: (8 − 4) / 2 = 2 columns on either side.
        let preprocessor = try #require(ImagePreprocessor(imageSize: 8, mean: Self.clipMean, std: Self.clipStd))
        let image = try #require(RGBImage(width: 4, height: 8, filledWith: (9, 8, 7)))
        let pixels = preprocessor.pixels(for: image)
        for y in 0..<8 {
            for x in 0..<8 {
                let expected: [UInt8] = (2..<6).contains(x) ? [9, 8, 7] : [122, 116, 104]
                #expect(Self.pixel(pixels, x, y) == expected, "at (\(x), \(y))")
            }
        }
    }

    @Test func handlesOnePixelAndExtremeShapes() throws {
        let preprocessor = try #require(ImagePreprocessor(imageSize: 56, mean: Self.clipMean, std: Self.clipStd))
        let dot = try #require(RGBImage(width: 1, height: 1, filledWith: (40, 50, 60)))
        #expect(preprocessor.pixels(for: dot) == RGBImage(width: 56, height: 56, filledWith: (40, 50, 60)))
        for (width, height) in [(65_535, 1), (1, 65_535), (30_000, 2)] {
            let strip = try #require(RGBImage(width: width, height: height, filledWith: (0, 0, 0)))
            let pixels = preprocessor.pixels(for: strip)
            #expect(pixels.width == 56 && pixels.height == 56)
            #expect(Self.pixel(pixels, 0, 0) == [122, 116, 104])  // a corner far from the strip
        }
    }

    @Test func normalisesToPlanarChannels() throws {
        let preprocessor = try #require(ImagePreprocessor(imageSize: 2, mean: Self.clipMean, std: Self.clipStd))
        let pixels = try #require(RGBImage(width: 2, height: 2, pixels: [0, 10, 20, 30, 40, 50, 60, 70, 80, 255, 128, 1]))
        let planes = preprocessor.normalized(pixels)
        #expect(planes.count == 12)
        for channel in 0..<3 {
            for index in 0..<4 {
                let byte = Float(pixels.pixels[index * 3 + channel])
                let expected = (byte / 255 - Self.clipMean[channel]) / Self.clipStd[channel]
                #expect(planes[channel * 4 + index] == expected)
            }
        }
        let whole = preprocessor.preprocess(pixels)
        #expect(whole.pixels == pixels && whole.planes == planes)
    }

    @Test func refusesUnusableSettings() {
        #expect(ImagePreprocessor(imageSize: 0, mean: Self.clipMean, std: Self.clipStd) == nil)
        #expect(ImagePreprocessor(imageSize: 56, mean: [0.5, 0.5], std: Self.clipStd) == nil)
        #expect(ImagePreprocessor(imageSize: 56, mean: Self.clipMean, std: [1, 0, 1]) == nil)
        #expect(ImagePreprocessor(imageSize: 56, mean: [.nan, 0, 0], std: Self.clipStd) == nil)
    }

    static func pixel(_ image: RGBImage, _ x: Int, _ y: Int) -> [UInt8] {
        Array(image.pixels[(y * image.width + x) * 3..<(y * image.width + x) * 3 + 3])
    }
}
