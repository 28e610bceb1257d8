/// A small strict JSON parser (RFC 8259) for schema documents. Foundation's JSONSerialization would lose the
/// order of `properties`, which is the order the grammar emits them in.
struct JSONValueParser {
    /// Deep enough for any real schema; keeps hostile input from overflowing the stack, here and in the compiler.
    static let maxDepth = 128

    private let bytes: [UInt8]
    private var offset = 0

    static func parse(_ text: String) throws(JSONSchemaError) -> JSONValue {
        var parser = JSONValueParser(bytes: Array(text.utf8))
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.offset == parser.bytes.count else { throw parser.failure("unexpected text after the JSON value") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func failure(_ reason: String) -> JSONSchemaError {
        JSONSchemaError(path: "#", message: "not valid JSON: \(reason) at byte \(offset)")
    }

    private var next: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    private mutating func skipWhitespace() {
        while let byte = next, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { offset += 1 }
    }

    private mutating func expect(_ byte: UInt8) throws(JSONSchemaError) {
        guard next == byte else { throw failure("expected '\(Character(Unicode.Scalar(byte)))'") }
        offset += 1
    }

    private mutating func value(depth: Int) throws(JSONSchemaError) -> JSONValue {
        guard depth < Self.maxDepth else { throw failure("nested deeper than \(Self.maxDepth)") }
        switch next ?? 0 {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try word("true"); return .bool(true)
        case UInt8(ascii: "f"): try word("false"); return .bool(false)
        case UInt8(ascii: "n"): try word("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw failure("expected a value")
        }
    }

    private mutating func word(_ word: String) throws(JSONSchemaError) {
        for byte in word.utf8 { try expect(byte) }
    }

    private mutating func object(depth: Int) throws(JSONSchemaError) -> JSONValue {
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        var members: [JSONValue.Member] = []
        if next == UInt8(ascii: "}") { offset += 1; return .object(members) }
        while true {
            skipWhitespace()
            let key = try string()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            members.append(JSONValue.Member(key: key, value: try value(depth: depth + 1)))
            skipWhitespace()
            if next == UInt8(ascii: ",") { offset += 1; continue }
            try expect(UInt8(ascii: "}"))
            return .object(members)
        }
    }

    private mutating func array(depth: Int) throws(JSONSchemaError) -> JSONValue {
        try expect(UInt8(ascii: "["))
        skipWhitespace()
        var elements: [JSONValue] = []
        if next == UInt8(ascii: "]") { offset += 1; return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            if next == UInt8(ascii: ",") { offset += 1; continue }
            try expect(UInt8(ascii: "]"))
            return .array(elements)
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, returned as written.
    private mutating func number() throws(JSONSchemaError) -> String {
        let start = offset
        if next == UInt8(ascii: "-") { offset += 1 }
        if next == UInt8(ascii: "0") {
            offset += 1
        } else {
            guard try digits() > 0 else { throw failure("expected a digit") }
        }
        if next == UInt8(ascii: ".") {
            offset += 1
            guard try digits() > 0 else { throw failure("expected a digit after '.'") }
        }
        if next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            offset += 1
            if next == UInt8(ascii: "+") || next == UInt8(ascii: "-") { offset += 1 }
            guard try digits() > 0 else { throw failure("expected an exponent") }
        }
        return String(decoding: bytes[start..<offset], as: UTF8.self)
    }

    private mutating func digits() throws(JSONSchemaError) -> Int {
        let start = offset
        while let byte = next, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { offset += 1 }
        return offset - start
    }

    private mutating func string() throws(JSONSchemaError) -> String {
        try expect(UInt8(ascii: "\""))
        var scalars = String.UnicodeScalarView()
        var runStart = offset
        func flush(_ end: Int) { scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars) }
        while let byte = next {
            switch byte {
            case UInt8(ascii: "\""):
                flush(offset)
                offset += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush(offset)
                offset += 1
                scalars.append(try escape())
                runStart = offset
            case ..<0x20:
                throw failure("control character in a string")
            default:
                offset += 1
            }
        }
        throw failure("unterminated string")
    }

    private mutating func escape() throws(JSONSchemaError) -> Unicode.Scalar {
        guard let byte = next else { throw failure("unterminated escape") }
        offset += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try hex4()
            // A high surrogate followed by `\uDC00`–`\uDFFF` is one scalar; a lone surrogate becomes U+FFFD.
            if (0xD800..<0xDC00).contains(unit), bytes[offset...].starts(with: Array("\\u".utf8)) {
                let saved = offset
                offset += 2
                let low = try hex4()
                if (0xDC00..<0xE000).contains(low) {
                    return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
                }
                offset = saved
            }
            return Unicode.Scalar(unit) ?? "\u{FFFD}"
        default:
            throw failure("invalid escape")
        }
    }

    private mutating func hex4() throws(JSONSchemaError) -> UInt32 {
        guard offset + 4 <= bytes.count, bytes[offset..<offset + 4].allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit }),
              let unit = UInt32(String(decoding: bytes[offset..<offset + 4], as: UTF8.self), radix: 16)
        else { throw failure("expected four hex digits") }
        offset += 4
        return unit
    }
}
