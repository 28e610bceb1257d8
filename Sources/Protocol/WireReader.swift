/// Reads header fields in the encoding of docs/protocol.md, section 3.1.
///
/// Every read is bounds-checked and throws a `WireError` naming the field and the offset where it
/// starts; lengths and counts are checked against `limits` and against the bytes left before
/// anything is allocated.
public struct WireReader: Sendable {
    public let limits: WireLimits
    private let bytes: [UInt8]
    public private(set) var offset: Int

    public init(_ bytes: [UInt8], limits: WireLimits = .default) {
        self.bytes = bytes
        self.limits = limits
        self.offset = 0
    }

    public var remaining: Int { bytes.count - offset }

    /// Throws unless every byte was read: a header carries no trailing bytes.
    public func finish() throws(WireError) {
        guard remaining == 0 else { throw .trailingBytes(count: remaining, offset: offset) }
    }

    // MARK: Scalars

    public mutating func readUInt(_ field: String) throws(WireError) -> UInt64 {
        let start = offset
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count else { throw .truncated(field: field, offset: start) }
            let byte = bytes[offset]
            offset += 1
            // The 10th byte holds bit 63 alone and ends the varint.
            if shift == 63, byte > 1 { throw .varintOverflow(field: field, offset: start) }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    /// A `uint` that must fit an `Int` (< 2^63).
    public mutating func readInt(_ field: String) throws(WireError) -> Int {
        let value = try readUInt(field)
        guard let result = Int(exactly: value) else { throw .valueOutOfRange(field: field, value: value) }
        return result
    }

    /// A token id: a `uint` < 2^32 holding a 32-bit pattern.
    public mutating func readInt32(_ field: String) throws(WireError) -> Int32 {
        let value = try readUInt(field)
        guard let bits = UInt32(exactly: value) else { throw .valueOutOfRange(field: field, value: value) }
        return Int32(bitPattern: bits)
    }

    public mutating func readFixed64(_ field: String) throws(WireError) -> UInt64 {
        try readLittleEndian(field, byteCount: 8)
    }

    public mutating func readFloat(_ field: String) throws(WireError) -> Float {
        let start = offset
        let value = Float(bitPattern: UInt32(truncatingIfNeeded: try readLittleEndian(field, byteCount: 4)))
        guard value.isFinite else { throw .nonFinite(field: field, offset: start) }
        return value
    }

    public mutating func readDouble(_ field: String) throws(WireError) -> Double {
        let start = offset
        let value = Double(bitPattern: try readLittleEndian(field, byteCount: 8))
        guard value.isFinite else { throw .nonFinite(field: field, offset: start) }
        return value
    }

    public mutating func readBool(_ field: String) throws(WireError) -> Bool {
        switch try readByte(field) {
        case 0: false
        case 1: true
        case let other: throw .unknownEnumValue(field: field, value: other)
        }
    }

    public mutating func readEnum<E: RawRepresentable>(_: E.Type, _ field: String) throws(WireError) -> E
    where E.RawValue == UInt8 {
        let raw = try readByte(field)
        guard let value = E(rawValue: raw) else { throw .unknownEnumValue(field: field, value: raw) }
        return value
    }

    // MARK: Strings

    /// A `name`: at most `limits.maxNameBytes` bytes of UTF-8.
    public mutating func readName(_ field: String) throws(WireError) -> String {
        try readString(field, limit: limits.maxNameBytes)
    }

    /// A `text`: at most `limits.maxTextBytes` bytes of UTF-8.
    public mutating func readText(_ field: String) throws(WireError) -> String {
        try readString(field, limit: limits.maxTextBytes)
    }

    mutating func readString(_ field: String, limit: Int) throws(WireError) -> String {
        let start = offset
        let length = try readLength(field, limit: limit, start: start)
        let end = offset + length
        let string = bytes.withUnsafeBufferPointer { all in
            String(validating: UnsafeBufferPointer(rebasing: all[offset..<end]), as: UTF8.self)
        }
        guard let string else { throw .invalidUTF8(field: field, offset: start) }
        offset = end
        return string
    }

    /// A `bytes` of at most `limit` bytes, UTF-8 or not.
    public mutating func readBytes(_ field: String, limit: Int) throws(WireError) -> [UInt8] {
        let length = try readLength(field, limit: limit, start: offset)
        defer { offset += length }
        return Array(bytes[offset..<offset + length])
    }

    // MARK: Compounds

    /// A `list<T>(limit)`.
    public mutating func readList<T>(
        _ field: String, limit: Int, _ element: (inout WireReader) throws(WireError) -> T
    ) throws(WireError) -> [T] {
        // Every element takes at least one byte, so a count above the bytes left is truncation.
        let count = try readLength(field, limit: limit, start: offset)
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try element(&self)) }
        return values
    }

    /// An `optional<T>`.
    public mutating func readOptional<T>(
        _ field: String, _ element: (inout WireReader) throws(WireError) -> T
    ) throws(WireError) -> T? {
        try readBool(field) ? try element(&self) : nil
    }

    // MARK: Helpers

    private mutating func readByte(_ field: String) throws(WireError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated(field: field, offset: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    private mutating func readLittleEndian(_ field: String, byteCount: Int) throws(WireError) -> UInt64 {
        guard remaining >= byteCount else { throw .truncated(field: field, offset: offset) }
        var value: UInt64 = 0
        for index in 0..<byteCount {
            value |= UInt64(bytes[offset + index]) << UInt64(8 * index)
        }
        offset += byteCount
        return value
    }

    /// A length or count: at most `limit`, and at most the bytes left.
    private mutating func readLength(_ field: String, limit: Int, start: Int) throws(WireError) -> Int {
        let value = try readUInt(field)
        guard value <= UInt64(clamping: limit) else { throw .overLimit(field: field, value: value, limit: limit) }
        guard value <= UInt64(remaining) else { throw .truncated(field: field, offset: start) }
        return Int(value)
    }
}
