/// Appends header fields in the encoding of docs/protocol.md, section 3.1.
///
/// Writing never fails. Values the format cannot carry are written so that the receiver rejects
/// them: a negative `Int` becomes a uint ≥ 2^63 (`valueOutOfRange`), a non-finite float stays
/// non-finite (`nonFinite`), an over-long string stays over-long (`overLimit`).
public struct WireWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 64) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func writeUInt(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    public mutating func writeInt(_ value: Int) {
        writeUInt(UInt64(truncatingIfNeeded: value))
    }

    /// A token id: the uint of its 32-bit pattern.
    public mutating func writeInt32(_ value: Int32) {
        writeUInt(UInt64(UInt32(bitPattern: value)))
    }

    public mutating func writeFixed64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    public mutating func writeFloat(_ value: Float) {
        let bits = value.bitPattern
        for shift in stride(from: 0, to: 32, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: bits >> UInt32(shift)))
        }
    }

    public mutating func writeDouble(_ value: Double) {
        writeFixed64(value.bitPattern)
    }

    public mutating func writeBool(_ value: Bool) {
        bytes.append(value ? 1 : 0)
    }

    public mutating func writeEnum<E: RawRepresentable>(_ value: E) where E.RawValue == UInt8 {
        bytes.append(value.rawValue)
    }

    /// A `name` or a `text`: the same encoding, different limits at the receiver.
    public mutating func writeString(_ value: String) {
        writeUInt(UInt64(value.utf8.count))
        bytes.append(contentsOf: value.utf8)
    }

    /// A `bytes`: raw bytes, not necessarily UTF-8 (a token's piece of a character).
    public mutating func writeBytes(_ value: [UInt8]) {
        writeUInt(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    public mutating func writeList<T>(_ values: [T], _ element: (inout WireWriter, T) -> Void) {
        writeUInt(UInt64(values.count))
        for value in values { element(&self, value) }
    }

    public mutating func writeOptional<T>(_ value: T?, _ element: (inout WireWriter, T) -> Void) {
        guard let value else { return bytes.append(0) }
        bytes.append(1)
        element(&self, value)
    }

    /// Raw bytes already encoded (the relay's copy of a header's tail).
    mutating func append(contentsOf raw: ArraySlice<UInt8>) {
        bytes.append(contentsOf: raw)
    }
}
