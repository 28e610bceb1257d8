/// The image formats the decoder reads, told apart by their first bytes (never by a file name or a
/// declared MIME type, which clients get wrong).
public enum ImageFormat: String, Sendable, Equatable {
    case jpeg = "JPEG"
    case png = "PNG"

    /// The start of PNG's 8-byte signature. The PNG decoder checks the rest, so that a file cut short
    /// inside its signature is reported as a truncated PNG rather than as an unknown format.
    static let pngMagic: [UInt8] = [0x89, 0x50, 0x4E, 0x47]
    static let pngSignature: [UInt8] = pngMagic + [0x0D, 0x0A, 0x1A, 0x0A]
    /// JPEG's start-of-image marker.
    static let jpegMagic: [UInt8] = [0xFF, 0xD8]

    /// The format whose magic bytes start `bytes`, or nil.
    public static func sniff(_ bytes: UnsafeRawBufferPointer) -> ImageFormat? {
        if bytes.starts(with: pngMagic) { return .png }
        if bytes.starts(with: jpegMagic) { return .jpeg }
        return nil
    }
}
