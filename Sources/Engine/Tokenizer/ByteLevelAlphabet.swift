/// GPT-2's reversible map between bytes and printable code points: byte-level BPE vocabularies store
/// every token as the characters its bytes map to (a space is "Ġ", a newline "Ċ").
enum ByteLevelAlphabet {
    /// The code point standing for each byte: printable Latin-1 bytes stand for themselves, the other
    /// 68 take U+0100, U+0101, ... in byte order.
    static let scalarForByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            if printable {
                table[byte] = UInt32(byte)
            } else {
                table[byte] = next
                next += 1
            }
        }
        return table
    }()

    static let byteForScalar: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (byte, scalar) in scalarForByte.enumerated() { map[scalar] = UInt8(byte) }
        return map
    }()

    /// The UTF-8 text a vocabulary uses for one raw byte.
    static func encoded(_ byte: UInt8) -> [UInt8] {
        UTF8Text.encode(scalarForByte[Int(byte)])
    }

    /// The raw bytes of a vocabulary text. A code point outside the alphabet is written out the way
    /// llama.cpp's `llama_decode_text` does, so such a (broken) vocabulary decodes identically.
    static func decode(_ text: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count)
        for scalar in UTF8Text.scalars(text) {
            if let byte = byteForScalar[scalar] {
                bytes.append(byte)
            } else {
                let hex = UTF8Text.encode(scalar).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
                bytes += Array("[UNK_BYTE_0x\(hex)".utf8) + text + Array("]".utf8)
            }
        }
        return bytes
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
