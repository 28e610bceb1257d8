/// How big an image the decoder accepts, judged from its header before any pixel is decoded: a few
/// hundred bytes can claim gigapixels (a decompression bomb).
public struct ImageLimits: Sendable, Equatable {
    /// Most pixels, width × height.
    public var maxPixels: Int
    /// Longest side. Preprocessing keeps (height × encoder side) bytes between its passes, so a
    /// 1-pixel-wide strip within `maxPixels` would still cost too much without this.
    public var maxSide: Int

    public init(maxPixels: Int, maxSide: Int) {
        self.maxPixels = maxPixels
        self.maxSide = maxSide
    }

    /// Pillow's `Image.MAX_IMAGE_PIXELS` (above which Pillow warns of a bomb), and JPEG's own
    /// largest side.
    public static let `default` = ImageLimits(maxPixels: 89_478_485, maxSide: 65_535)

    /// Throws unless a `width` × `height` image of `format` is within the limits.
    func check(_ format: ImageFormat, width: Int, height: Int) throws(ImageError) {
        guard width > 0, height > 0 else { throw .zeroSize(format) }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxPixels, width <= maxSide, height <= maxSide else {
            throw .tooLarge(format, width: width, height: height, limits: self)
        }
    }
}
