/// Why `VisionEncoder.encode` refused its input.
public enum VisionError: Error, Equatable, CustomStringConvertible {
    /// Pixels that are not whole images of 3 × size × size floats.
    case wrongPixelCount(expected: Int, got: Int)
    /// An output buffer smaller than the embeddings of its images.
    case outputTooSmall(needed: Int, got: Int)

    public var description: String {
        switch self {
        case .wrongPixelCount(let expected, let got):
            "an image takes \(expected) floats (planar RGB, 3 × size × size); got \(got)"
        case .outputTooSmall(let needed, let got):
            "the embeddings need \(needed) floats; the output holds \(got)"
        }
    }
}
