/// Why bytes could not be turned into an image. `description` is a sentence for the end user.
public enum ImageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No bytes at all.
    case empty
    /// The first bytes are neither a JPEG nor a PNG signature.
    case unknownFormat
    /// The data stops before the image is complete.
    case truncated(ImageFormat)
    /// The header describes an empty image (a width or height of zero; for JPEG also no components).
    case zeroSize(ImageFormat)
    /// The header gives a size beyond the decoder's limits (a decompression bomb, or just too big).
    case tooLarge(ImageFormat, width: Int, height: Int, limits: ImageLimits)
    /// The data is damaged or not valid for its format; `reason` is the codec's own words.
    case corrupt(ImageFormat, reason: String)
    /// Valid data the decoder does not handle (e.g. 12-bit JPEG); `reason` is the codec's own words.
    case unsupported(ImageFormat, reason: String)

    public var description: String {
        switch self {
        case .empty:
            "The image is empty: no bytes were received."
        case .unknownFormat:
            "The data is not an image in a supported format: only JPEG and PNG are accepted."
        case .truncated(let format):
            "The \(format.rawValue) image is truncated: the data ends before the image does."
        case .zeroSize(let format):
            "The \(format.rawValue) image is empty: its header gives it a width or height of zero."
        case .tooLarge(let format, let width, let height, let limits):
            "The \(format.rawValue) image is \(width)×\(height) pixels, too large: at most \(limits.maxPixels) pixels "
                + "and \(limits.maxSide) pixels a side are accepted."
        case .corrupt(let format, let reason):
            "The \(format.rawValue) image is damaged and cannot be decoded (\(reason))."
        case .unsupported(let format, let reason):
            "The \(format.rawValue) image uses a feature that is not supported (\(reason))."
        }
    }
}
