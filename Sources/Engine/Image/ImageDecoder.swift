/// Turns the bytes of a JPEG or PNG into RGB pixels, as LLaVA-1.5's `Image.open(...).convert("RGB")`
/// does with Pillow: PNG identically, JPEG to within the IDCT and chroma upsampling rounding of two
/// libjpeg-turbo builds. EXIF orientation is not applied (LLaVA does not apply it either).
///
/// Every failure is an `ImageError`; nothing here traps on bad input. Stateless, so one decoder can
/// serve every thread.
public struct ImageDecoder: Sendable {
    /// Images whose header gives a size beyond these are refused before any pixel is decoded.
    public var limits: ImageLimits

    public init(limits: ImageLimits = .default) {
        self.limits = limits
    }

    public func decode(_ bytes: [UInt8]) throws(ImageError) -> RGBImage {
        let outcome = bytes.withUnsafeBytes { raw in Result { () throws(ImageError) in try decode(raw) } }
        return try outcome.get()
    }

    public func decode(_ bytes: UnsafeRawBufferPointer) throws(ImageError) -> RGBImage {
        guard !bytes.isEmpty else { throw .empty }
        switch ImageFormat.sniff(bytes) {
        case .jpeg: return try JPEGDecoder.decode(bytes, limits: limits)
        case .png: return try PNGDecoder.decode(bytes, limits: limits)
        case nil: throw .unknownFormat
        }
    }
}
