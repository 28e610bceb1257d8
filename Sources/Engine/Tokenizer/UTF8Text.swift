/// UTF-8 helpers that behave like llama.cpp's (`unicode_len_utf8`, `unicode_cpts_from_utf8`), so
/// segmentation agrees byte for byte even on odd input.
enum UTF8Text {
    /// Bytes in the sequence a byte starts, judged from its top four bits alone.
    @inline(__always)
    static func sequenceLength(lead: UInt8) -> Int {
        switch lead >> 4 {
        case 0xC, 0xD: 2
        case 0xE: 3
        case 0xF: 4
        default: 1
        }
    }

    static func encode(_ scalar: UInt32) -> [UInt8] {
        switch scalar {
        case 0..<0x80: [UInt8(scalar)]
        case 0x80..<0x800: [0xC0 | UInt8(scalar >> 6), 0x80 | UInt8(scalar & 0x3F)]
        case 0x800..<0x10000:
            [0xE0 | UInt8(scalar >> 12), 0x80 | UInt8((scalar >> 6) & 0x3F), 0x80 | UInt8(scalar & 0x3F)]
        default:
            [0xF0 | UInt8((scalar >> 18) & 0x07), 0x80 | UInt8((scalar >> 12) & 0x3F),
             0x80 | UInt8((scalar >> 6) & 0x3F), 0x80 | UInt8(scalar & 0x3F)]
        }
    }

    /// The code points of `bytes` and the index where each starts, followed by `bytes.endIndex`.
    /// An invalid sequence becomes U+FFFD covering one byte.
    static func decode(_ bytes: ArraySlice<UInt8>) -> (scalars: [UInt32], offsets: [Int]) {
        var scalars: [UInt32] = []
        var offsets: [Int] = []
        scalars.reserveCapacity(bytes.count)
        offsets.reserveCapacity(bytes.count + 1)
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            offsets.append(i)
            let lead = bytes[i]
            let length = sequenceLength(lead: lead)
            var value = UInt32(lead)
            var valid = length == 1 ? lead < 0x80 : (lead & (0x80 >> length)) == 0 && i + length <= end
            if valid && length > 1 {
                value &= UInt32(0x7F >> length)
                for k in 1..<length {
                    let byte = bytes[i + k]
                    guard byte & 0xC0 == 0x80 else { valid = false; break }
                    value = value << 6 | UInt32(byte & 0x3F)
                }
            }
            if valid {
                scalars.append(value)
                i += length
            } else {
                scalars.append(0xFFFD)
                i += 1
            }
        }
        offsets.append(end)
        return (scalars, offsets)
    }

    static func scalars(_ bytes: [UInt8]) -> [UInt32] { decode(bytes[...]).scalars }
}
