import Foundation

/// An image to attach to requests: the file's bytes as they are, JPEG or PNG.
public struct ImageFile: Sendable, Equatable {
    public var bytes: [UInt8]
    public var mimeType: String

    /// Reads `path`, refusing anything that is not a JPEG or PNG file.
    public init(path: String) throws(BenchError) {
        guard let data = FileManager.default.contents(atPath: path) else { throw BenchError("cannot read image \(path)") }
        guard let image = ImageFile(bytes: [UInt8](data)) else { throw BenchError("\(path) is not a JPEG or PNG image") }
        self = image
    }

    /// `nil` unless `bytes` begin as a PNG or JPEG file does.
    public init?(bytes: [UInt8]) {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            mimeType = "image/png"
        } else if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            mimeType = "image/jpeg"
        } else {
            return nil
        }
        self.bytes = bytes
    }

    /// As an OpenAI `image_url`.
    var dataURL: String { "data:\(mimeType);base64," + Data(bytes).base64EncodedString() }
}
