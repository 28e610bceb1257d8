/// Finds what makes a body unreadable as JSON, by byte offset, for the error message: JSONDecoder
/// only says "not valid JSON". Run when decoding has failed, so it costs nothing on good requests.
/// Stricter than JSONDecoder in one way on purpose: a string with a lone UTF-16 surrogate
/// (`"\ud800"`) is not text, and is named as the problem.
struct JSONSyntax {
    private let bytes: [UInt8]
    private var index = 0

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The deepest nesting of lists and objects JSONDecoder reads; deeper, it fails without saying why.
    static let maxDepth = 512

    /// The first problem in `bytes` as a sentence, or `nil` when they are one well-formed JSON value.
    static func problem(in bytes: [UInt8]) -> String? {
        var scanner = JSONSyntax(bytes)
        return scanner.scanDocument()
    }

    /// The byte offset of the first byte that is not part of well-formed UTF-8, if any.
    static func invalidUTF8Offset(in bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// What a container expects next.
    private enum Expect {
        case value, firstValueOrClose, key, firstKeyOrClose, colon, commaOrClose
    }

    private mutating func scanDocument() -> String? {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }  // a UTF-8 byte order mark, as JSONDecoder allows
        // Open containers, innermost last: `{` or `[`. A list, not recursion: nesting depth is the client's choice.
        var open: [UInt8] = []
        var expect = Expect.value
        while true {
            skipWhitespace()
            guard index < bytes.count else {
                if open.isEmpty && expect == .commaOrClose { return nil }
                return "the body is not valid JSON: it ends early, at byte \(index)"
            }
            let byte = bytes[index]
            switch expect {
            case .colon:
                guard byte == UInt8(ascii: ":") else { return unexpected("':' after a key") }
                index += 1
                expect = .value
            case .commaOrClose:
                guard let container = open.last else { return unexpected("the end of the body") }
                if byte == UInt8(ascii: ",") {
                    index += 1
                    expect = container == UInt8(ascii: "{") ? .key : .value
                } else if byte == (container == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    index += 1
                    open.removeLast()
                } else {
                    return unexpected(container == UInt8(ascii: "{") ? "',' or '}'" : "',' or ']'")
                }
            case .key, .firstKeyOrClose:
                if expect == .firstKeyOrClose && byte == UInt8(ascii: "}") {
                    index += 1
                    open.removeLast()
                    expect = .commaOrClose
                } else {
                    guard byte == UInt8(ascii: "\"") else { return unexpected("a key in double quotes") }
                    if let problem = scanString() { return problem }
                    expect = .colon
                }
            case .value, .firstValueOrClose:
                if expect == .firstValueOrClose && byte == UInt8(ascii: "]") {
                    index += 1
                    open.removeLast()
                    expect = .commaOrClose
                    continue
                }
                if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "["), open.count == Self.maxDepth {
                    return "the body nests lists and objects too deeply: more than \(Self.maxDepth) levels at byte \(index)"
                }
                switch byte {
                case UInt8(ascii: "{"):
                    open.append(byte)
                    index += 1
                    expect = .firstKeyOrClose
                    continue
                case UInt8(ascii: "["):
                    open.append(byte)
                    index += 1
                    expect = .firstValueOrClose
                    continue
                case UInt8(ascii: "\""):
                    if let problem = scanString() { return problem }
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    if let problem = scanNumber() { return problem }
                case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                    guard let word = ["true", "false", "null"].first(where: { bytes[index...].starts(with: $0.utf8) }) else {
                        return unexpected("a value")
                    }
                    index += word.utf8.count
                default:
                    return unexpected("a value")
                }
                expect = .commaOrClose
            }
        }
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private func unexpected(_ wanted: String) -> String {
        "the body is not valid JSON: expected \(wanted) at byte \(index)"
    }

    /// A string from its opening quote past its closing one.
    private mutating func scanString() -> String? {
        let start = index
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return nil
            case UInt8(ascii: "\\"):
                if let problem = scanEscape(stringStart: start) { return problem }
            case 0..<0x20:
                return "the body is not valid JSON: the string at byte \(start) holds an unescaped control character at byte \(index)"
            default:
                index += 1
            }
        }
        return "the body is not valid JSON: the string at byte \(start) is not closed"
    }

    /// A backslash escape; `\uD800`–`\uDBFF` must be followed by `\uDC00`–`\uDFFF`, which must not stand alone.
    private mutating func scanEscape(stringStart: Int) -> String? {
        let start = index
        guard index + 1 < bytes.count else { return "the body is not valid JSON: the string at byte \(stringStart) is not closed" }
        guard bytes[index + 1] == UInt8(ascii: "u") else {
            guard Array(#""\/bfnrt"#.utf8).contains(bytes[index + 1]) else {
                return "the body is not valid JSON: the string at byte \(stringStart) has an unknown escape at byte \(start)"
            }
            index += 2
            return nil
        }
        guard let unit = hex4(at: index + 2) else {
            return "the body is not valid JSON: the string at byte \(stringStart) has a \\u escape without four hex digits at byte \(start)"
        }
        index += 6
        let lone = "the string at byte \(stringStart) has a lone UTF-16 surrogate, \\u\(Self.hex(unit)) at byte \(start): it is not valid Unicode"
        switch unit {
        case 0xDC00...0xDFFF:
            return lone
        case 0xD800...0xDBFF:
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                let low = hex4(at: index + 2), (0xDC00...0xDFFF).contains(low)
            else { return lone }
            index += 6
            return nil
        default:
            return nil
        }
    }

    private func hex4(at offset: Int) -> UInt16? {
        guard offset + 4 <= bytes.count else { return nil }
        var value: UInt16 = 0
        for byte in bytes[offset..<(offset + 4)] {
            guard let digit = Int(String(UnicodeScalar(byte)), radix: 16) else { return nil }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    private static func hex(_ unit: UInt16) -> String {
        let digits = String(unit, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    private mutating func scanNumber() -> String? {
        let start = index
        func digits() -> Int {
            let first = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - first
        }
        let bad = "the body is not valid JSON: the number at byte \(start) is malformed"
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        let integerDigits = digits()
        guard integerDigits > 0 else { return bad }
        guard integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { return bad }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return bad }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return bad }
        }
        return nil
    }
}
