import Foundation
import LoomProtocol

/// An image given inline as `data:image/…;base64,…`, decoded to the file's bytes. Remote URLs are
/// refused: the controller fetches nothing on a client's behalf.
enum ImageDataURL {
    static func decode(_ url: String, maxBytes: Int) throws(APIError) -> [UInt8] {
        let lowered = url.prefix(8).lowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") {
            throw APIError(.badRequest, "remote image URLs are not fetched: send the image inline as a data URL (data:image/jpeg;base64,...)")
        }
        guard lowered.hasPrefix("data:"), let comma = url.firstIndex(of: ",") else {
            throw APIError(.badImage, "an image_url must be a data URL (data:image/jpeg;base64,...)")
        }
        guard url[..<comma].hasSuffix(";base64") else {
            throw APIError(.badImage, "an image data URL must be base64-encoded (';base64,')")
        }
        let start = url.utf8.distance(from: url.utf8.startIndex, to: url.utf8.index(after: comma))
        var whole = url
        let encoded = whole.withUTF8 { bytes in Self.droppingWhitespace(bytes, from: start) }
        guard encoded.count / 4 * 3 <= maxBytes + 2 else {
            throw APIError(.badImage, "the image is larger than \(maxBytes) bytes")
        }
        guard let data = Data(base64Encoded: Data(encoded)) else {
            throw APIError(.badImage, "the image's base64 is corrupt")
        }
        guard data.count <= maxBytes else { throw APIError(.badImage, "the image is larger than \(maxBytes) bytes") }
        let bytes = [UInt8](data)
        guard ImageFormat(sniffing: bytes) != nil else {
            throw APIError(.badImage, "the image is neither JPEG nor PNG")
        }
        return bytes
    }

    /// `bytes[start...]` without the spaces, tabs and line breaks of wrapped base64. A loop over
    /// bytes by pointer: Character.isWhitespace over the 28 million characters of a 20 MiB image took
    /// seconds of a cooperative thread, and generic slices stay slow in debug builds.
    private static func droppingWhitespace(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> [UInt8] {
        guard let source = bytes.baseAddress, start < bytes.count else { return [] }
        return [UInt8](unsafeUninitializedCapacity: bytes.count - start) { kept, count in
            guard let destination = kept.baseAddress else { return }
            for index in start..<bytes.count {
                let byte = source[index]
                if byte != 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D {
                    destination[count] = byte
                    count += 1
                }
            }
        }
    }
}

/// The image formats workers decode, told by their first bytes.
enum ImageFormat {
    case jpeg, png

    init?(sniffing bytes: [UInt8]) {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else {
            return nil
        }
    }
}
