/// Pillow's `Image.resize((width, height), Image.BICUBIC)` on an RGB image, bit for bit (Pillow 13,
/// libImaging/Resample.c): separable bicubic (a = −0.5), antialiased when shrinking, one pass per
/// axis, each rounded to bytes in Pillow's 22-bit fixed point.
///
/// Pass order and skipping follow Pillow: a pass whose axis keeps its size is skipped (running it
/// would not be the identity: the kernel still blurs); the horizontal pass runs first unless the
/// height loses more than twice as many pixels as the width (Pillow 13; earlier versions always ran
/// it first). Resizing a square to a square, as LLaVA does, runs horizontal first in every version.
public enum BicubicResampler {
    /// A canvas of one colour with an image pasted on it, as `Image.new` + `paste` would make.
    public struct Canvas: Sendable, Equatable {
        public var width: Int
        public var height: Int
        /// Where the image's top-left pixel lands; the image must lie inside the canvas.
        public var left: Int
        public var top: Int
        public var background: [UInt8]  // (R, G, B)

        public init(width: Int, height: Int, left: Int, top: Int, background: [UInt8]) {
            self.width = width
            self.height = height
            self.left = left
            self.top = top
            self.background = background
        }
    }

    /// `width` and `height` must be positive.
    public static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        let bare = Canvas(width: image.width, height: image.height, left: 0, top: 0, background: [0, 0, 0])
        return resize(image, on: bare, width: width, height: height)
    }

    /// The resize of `image` pasted on `canvas`, without making the canvas: background taps are
    /// folded into one weight per output position. Work and memory scale with the image and the
    /// output, whatever the canvas: between the passes, (image height × output width) pixels, or
    /// (output height × image width) when the vertical pass runs first.
    public static func resize(_ image: RGBImage, on canvas: Canvas, width: Int, height: Int) -> RGBImage {
        precondition(width > 0 && height > 0, "resize to \(width)×\(height): sides must be positive")
        precondition(
            canvas.left >= 0 && canvas.top >= 0 && canvas.left + image.width <= canvas.width
                && canvas.top + image.height <= canvas.height && canvas.background.count == 3,
            "the image must lie inside the canvas")
        let heightLoss = canvas.height - height
        let verticalFirst = width != canvas.width && heightLoss > 0 && heightLoss > (canvas.width - width) * 2
        let pixels =
            verticalFirst
            ? verticalThenHorizontal(image, canvas, width: width, height: height)
            : horizontalThenVertical(image, canvas, width: width, height: height)
        return RGBImage(checkedWidth: width, height: height, pixels: pixels)
    }

    /// Either pass may be skipped.
    private static func horizontalThenVertical(_ image: RGBImage, _ canvas: Canvas, width: Int, height: Int)
        -> [UInt8]
    {
        // Horizontal: the image's rows on the canvas, and one all-background row, `width` wide.
        let band: [UInt8]
        let backgroundRow: [UInt8]
        if width != canvas.width {
            let axis = ResampleWeights(inputSize: canvas.width, outputSize: width)
            band = horizontalPass(
                image.pixels, rowWidth: image.width, rowBackgrounds: repeated(canvas.background, times: image.height),
                axis, axis.spans(contentOffset: canvas.left, contentLength: image.width))
            backgroundRow = horizontalPass(
                [], rowWidth: 0, rowBackgrounds: canvas.background, axis, axis.spans(contentOffset: 0, contentLength: 0))
        } else {
            band = paddedRows(image, canvas)
            backgroundRow = repeated(canvas.background, times: canvas.width)
        }
        guard height != canvas.height else {
            return repeated(backgroundRow, times: canvas.top) + band
                + repeated(backgroundRow, times: canvas.height - canvas.top - image.height)
        }
        let axis = ResampleWeights(inputSize: canvas.height, outputSize: height)
        return verticalPass(
            band, backgroundRow, rowBytes: width * 3, axis,
            axis.spans(contentOffset: canvas.top, contentLength: image.height))
    }

    /// Both passes run.
    private static func verticalThenHorizontal(_ image: RGBImage, _ canvas: Canvas, width: Int, height: Int)
        -> [UInt8]
    {
        // Vertical: the image's columns, and one all-background column, `height` tall. Every
        // background column of an output row then has that row's colour.
        let vertical = ResampleWeights(inputSize: canvas.height, outputSize: height)
        let columns = verticalPass(
            image.pixels, repeated(canvas.background, times: image.width), rowBytes: image.width * 3, vertical,
            vertical.spans(contentOffset: canvas.top, contentLength: image.height))
        let rowBackgrounds = verticalPass(
            [], canvas.background, rowBytes: 3, vertical, vertical.spans(contentOffset: 0, contentLength: 0))
        let horizontal = ResampleWeights(inputSize: canvas.width, outputSize: width)
        return horizontalPass(
            columns, rowWidth: image.width, rowBackgrounds: rowBackgrounds, horizontal,
            horizontal.spans(contentOffset: canvas.left, contentLength: image.width))
    }

    // MARK: Passes (the hot spot)

    // Every output byte is a dot product of input bytes with fixed-point weights. Pillow's sums fit in
    // Int32 (255 × the weights' absolute sum, about 1.2 × 2^22, is under 2^31), so wrapping arithmetic,
    // however regrouped, gives Pillow's sum exactly.

    /// (rows, rowWidth, 3) content, each row on a background of its own colour (rows, 3)
    /// → (rows, spans.count, 3)
    private static func horizontalPass(
        _ source: [UInt8], rowWidth: Int, rowBackgrounds: [UInt8], _ axis: ResampleWeights, _ spans: [TapSpan]
    ) -> [UInt8] {
        let rows = rowBackgrounds.count / 3
        let outWidth = spans.count
        return [UInt8](unsafeUninitializedCapacity: rows * outWidth * 3) { out, initialized in
            source.withUnsafeBufferPointer { source in
                axis.weights.withUnsafeBufferPointer { weights in
                    for y in 0..<rows {
                        let backgroundRed = Int32(rowBackgrounds[y * 3])
                        let backgroundGreen = Int32(rowBackgrounds[y * 3 + 1])
                        let backgroundBlue = Int32(rowBackgrounds[y * 3 + 2])
                        for (x, span) in spans.enumerated() {
                            var red = ResampleWeights.half &+ backgroundRed &* span.backgroundWeight
                            var green = ResampleWeights.half &+ backgroundGreen &* span.backgroundWeight
                            var blue = ResampleWeights.half &+ backgroundBlue &* span.backgroundWeight
                            var at = (y * rowWidth + span.contentStart) * 3
                            for tap in 0..<span.count {
                                let weight = weights[span.weightIndex + tap]
                                red &+= Int32(source[at]) &* weight
                                green &+= Int32(source[at + 1]) &* weight
                                blue &+= Int32(source[at + 2]) &* weight
                                at += 3
                            }
                            let to = (y * outWidth + x) * 3
                            out[to] = ResampleWeights.clip8(red)
                            out[to + 1] = ResampleWeights.clip8(green)
                            out[to + 2] = ResampleWeights.clip8(blue)
                        }
                    }
                }
            }
            initialized = rows * outWidth * 3
        }
    }

    /// (band rows, rowBytes) + one background row → (spans.count, rowBytes)
    private static func verticalPass(
        _ band: [UInt8], _ backgroundRow: [UInt8], rowBytes: Int, _ axis: ResampleWeights, _ spans: [TapSpan]
    ) -> [UInt8] {
        var sums = [Int32](repeating: 0, count: rowBytes)  // (rowBytes) accumulators of one output row
        return [UInt8](unsafeUninitializedCapacity: spans.count * rowBytes) { out, initialized in
            band.withUnsafeBufferPointer { band in
                backgroundRow.withUnsafeBufferPointer { backgroundRow in
                    sums.withUnsafeMutableBufferPointer { sums in
                        for (y, span) in spans.enumerated() {
                            for index in 0..<rowBytes {
                                sums[index] = ResampleWeights.half &+ Int32(backgroundRow[index]) &* span.backgroundWeight
                            }
                            for tap in 0..<span.count {
                                let weight = axis.weights[span.weightIndex + tap]
                                let row = (span.contentStart + tap) * rowBytes
                                for index in 0..<rowBytes {
                                    sums[index] &+= Int32(band[row + index]) &* weight
                                }
                            }
                            for index in 0..<rowBytes {
                                out[y * rowBytes + index] = ResampleWeights.clip8(sums[index])
                            }
                        }
                    }
                }
            }
            initialized = spans.count * rowBytes
        }
    }

    // MARK: Canvas rows for a skipped pass

    /// The image's rows with the canvas's background on either side.
    private static func paddedRows(_ image: RGBImage, _ canvas: Canvas) -> [UInt8] {
        let leftMargin = repeated(canvas.background, times: canvas.left)
        let rightMargin = repeated(canvas.background, times: canvas.width - canvas.left - image.width)
        let rowBytes = image.width * 3
        var rows: [UInt8] = []
        rows.reserveCapacity(image.height * canvas.width * 3)
        for y in 0..<image.height {
            rows += leftMargin
            rows += image.pixels[y * rowBytes..<(y + 1) * rowBytes]
            rows += rightMargin
        }
        return rows
    }

    private static func repeated(_ bytes: [UInt8], times: Int) -> [UInt8] {
        [[UInt8]](repeating: bytes, count: times).flatMap { $0 }
    }
}
