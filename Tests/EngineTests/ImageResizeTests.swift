import Engine
import Foundation
import Testing

/// `BicubicResampler` against Pillow's `resize(..., Image.BICUBIC)` (references made by
/// scripts/make-image-testdata.py from PNGs, which both sides decode identically).
@Suite struct ImageResizeTests {
    @Test(arguments: [
        ("plain_37x23.to50x11.rgb", 50, 11),  // the height shrinks most: Pillow 13 runs the vertical pass first
        ("plain_37x23.to37x60.rgb", 37, 60),  // width kept: Pillow skips the horizontal pass
        ("plain_37x23.to9x23.rgb", 9, 23),  // height kept: Pillow skips the vertical pass
    ])
    func resizesExactlyAsPillow(reference: String, width: Int, height: Int) throws {
        let source = try ImageDecoder().decode(ImageTestFiles.testData("plain_37x23.png"))
        let resized = BicubicResampler.resize(source, width: width, height: height)
        #expect(resized.width == width && resized.height == height)
        #expect(resized.pixels == (try ImageTestFiles.testData(reference)))
    }

    @Test(arguments: [(1, 1), (7, 3), (56, 56), (300, 200), (1000, 10)])
    func keepsAConstantImageConstant(width: Int, height: Int) throws {
        let colour: (red: UInt8, green: UInt8, blue: UInt8) = (3, 128, 254)
        let image = try #require(RGBImage(width: width, height: height, filledWith: colour))
        for (outWidth, outHeight) in [(56, 56), (5, 90), (1, 1)] {
            let resized = BicubicResampler.resize(image, width: outWidth, height: outHeight)
            #expect(resized == RGBImage(width: outWidth, height: outHeight, filledWith: colour))
        }
    }

    @Test func leavesAnImageOfTheSameSizeAlone() throws {
        let image = try ImageDecoder().decode(ImageTestFiles.testData("plain_37x23.png"))
        #expect(BicubicResampler.resize(image, width: 37, height: 23) == image)
    }

    /// Folding the background into the weights must give what resizing the whole canvas gives.
    @Test(arguments: [
        (37, 40, 0, 9, 56, 56),  // padded below and above
        (50, 23, 6, 0, 56, 56),  // padded across
        (40, 30, 3, 7, 11, 11),  // both, strong downscale
        (40, 30, 3, 7, 36, 11),  // the height shrinks most: vertical pass first
        (40, 30, 3, 7, 40, 11),  // vertical pass only
        (40, 30, 3, 7, 13, 30),  // horizontal pass only
        (37, 23, 0, 0, 90, 90),  // no padding, upscale
        (60, 60, 23, 37, 60, 60),  // canvas of the output's size: no pass runs
    ])
    func resizesOnACanvasAsOnTheMadeCanvas(
        canvasWidth: Int, canvasHeight: Int, left: Int, top: Int, width: Int, height: Int
    ) throws {
        let image = try ImageDecoder().decode(ImageTestFiles.testData("plain_37x23.png"))
        let canvas = BicubicResampler.Canvas(
            width: canvasWidth, height: canvasHeight, left: left, top: top, background: [200, 10, 99])
        let folded = BicubicResampler.resize(image, on: canvas, width: width, height: height)
        let made = BicubicResampler.resize(try Self.paste(image, on: canvas), width: width, height: height)
        #expect(folded == made)
    }

    @Test func reportsResizeSpeed() throws {
        let pixels = (0..<1000 * 1000 * 3).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        let image = try #require(RGBImage(width: 1000, height: 1000, pixels: pixels))
        for side in [56, 336] {
            let clock = ContinuousClock()
            var resized = image
            let elapsed = clock.measure { resized = BicubicResampler.resize(image, width: side, height: side) }
            #expect(resized.width == side)
            print("bicubic resize 1000×1000 → \(side)×\(side): \(elapsed)")
        }
    }

    /// `image` pasted on a canvas, made pixel by pixel.
    static func paste(_ image: RGBImage, on canvas: BicubicResampler.Canvas) throws -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: canvas.width * canvas.height * 3)
        for y in 0..<canvas.height {
            for x in 0..<canvas.width {
                let inside = (canvas.left..<canvas.left + image.width).contains(x)
                    && (canvas.top..<canvas.top + image.height).contains(y)
                for channel in 0..<3 {
                    pixels[(y * canvas.width + x) * 3 + channel] =
                        inside
                        ? image.pixels[((y - canvas.top) * image.width + x - canvas.left) * 3 + channel]
                        : canvas.background[channel]
                }
            }
        }
        return try #require(RGBImage(width: canvas.width, height: canvas.height, pixels: pixels))
    }
}
