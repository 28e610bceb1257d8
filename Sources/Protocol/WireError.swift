/// Why a message could not be decoded: what was wrong, and where.
///
/// Frame-level cases name frames by index (0 = signature, 1 = command, 2 = header, 3… = bodies);
/// header-level cases name the field (as in docs/protocol.md) and the byte offset where it starts.
public enum WireError: Error, Equatable, Sendable {
    // MARK: Frames
    case tooFewFrames(count: Int)
    case tooManyFrames(count: Int, limit: Int)
    /// Frame 0 is not the expected side's `LOOMx` signature (at most its first 16 bytes are kept).
    case badSignature(found: [UInt8])
    /// The right side's signature with another version digit.
    case unsupportedVersion(found: UInt8, supported: UInt8)
    case badCommandFrame(length: Int)
    /// Not a command byte, or not one of this sub-protocol.
    case unknownCommand(UInt8)
    case unexpectedBodyFrames(command: Command, count: Int)
    case headerTooLarge(size: Int, limit: Int)
    case bodyTooLarge(frame: Int, size: Int, limit: Int)
    case bodiesTooLarge(total: Int, limit: Int)
    case imageCountMismatch(declared: Int, frames: Int)

    // MARK: Header fields
    case truncated(field: String, offset: Int)
    case trailingBytes(count: Int, offset: Int)
    case varintOverflow(field: String, offset: Int)
    /// A length or count larger than its limit.
    case overLimit(field: String, value: UInt64, limit: Int)
    /// A value that does not fit the field's type (e.g. a uint ≥ 2^63 for an `Int`).
    case valueOutOfRange(field: String, value: UInt64)
    case invalidUTF8(field: String, offset: Int)
    case unknownEnumValue(field: String, value: UInt8)
    case nonFinite(field: String, offset: Int)
    case imageIndexOutOfRange(index: Int, imageCount: Int)
}
