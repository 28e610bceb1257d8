/// The top-level fields of a JSON object as raw text spans: a tool call's `arguments` go to the
/// client exactly as the model wrote them (key order included), which a decoder would not keep.
/// `nil` when the text is not one JSON object with only whitespace around it.
enum JSONObjectFields {
    static func parse(_ text: Substring) -> [(key: String, value: Substring)]? {
        var scanner = Scanner(text: text)
        guard let fields = scanner.object(), scanner.atEnd else { return nil }
        return fields
    }

    /// The elements of a JSON array as raw text spans, or nil when the text is not one array.
    static func elements(_ text: Substring) -> [Substring]? {
        var scanner = Scanner(text: text)
        scanner.skipSpace()
        guard scanner.take("[") else { return nil }
        var elements: [Substring] = []
        scanner.skipSpace()
        if scanner.take("]") { return scanner.atEnd ? elements : nil }
        while true {
            scanner.skipSpace()
            let start = scanner.index
            guard scanner.skipValue(depth: 0) else { return nil }
            elements.append(text[start..<scanner.index])
            scanner.skipSpace()
            if scanner.take("]") { return scanner.atEnd ? elements : nil }
            guard scanner.take(",") else { return nil }
        }
    }

    /// The string a raw JSON string value holds, or nil when `value` is not a string.
    static func string(_ value: Substring) -> String? {
        var scanner = Scanner(text: value)
        guard let text = scanner.string(), scanner.atEnd else { return nil }
        return text
    }

    private struct Scanner {
        let text: Substring
        var index: Substring.Index

        init(text: Substring) {
            self.text = text
            index = text.startIndex
        }

        var atEnd: Bool {
            mutating get { skipSpace(); return index == text.endIndex }
        }

        mutating func object() -> [(key: String, value: Substring)]? {
            skipSpace()
            guard take("{") else { return nil }
            var fields: [(key: String, value: Substring)] = []
            skipSpace()
            if take("}") { return fields }
            while true {
                skipSpace()
                guard let key = string() else { return nil }
                skipSpace()
                guard take(":") else { return nil }
                skipSpace()
                let start = index
                guard skipValue(depth: 0) else { return nil }
                fields.append((key, text[start..<index]))
                skipSpace()
                if take("}") { return fields }
                guard take(",") else { return nil }
            }
        }

        /// A JSON string, unescaped.
        mutating func string() -> String? {
            skipSpace()
            guard take("\"") else { return nil }
            var result = ""
            while index < text.endIndex {
                let c = text[index]
                index = text.index(after: index)
                switch c {
                case "\"": return result
                case "\\":
                    guard index < text.endIndex else { return nil }
                    let escaped = text[index]
                    index = text.index(after: index)
                    switch escaped {
                    case "\"", "\\", "/": result.append(escaped)
                    case "b": result += "\u{08}"
                    case "f": result += "\u{0C}"
                    case "n": result += "\n"
                    case "r": result += "\r"
                    case "t": result += "\t"
                    case "u":
                        guard let end = text.index(index, offsetBy: 4, limitedBy: text.endIndex),
                              let code = UInt32(text[index..<end], radix: 16) else { return nil }
                        index = end
                        result.unicodeScalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                    default: return nil
                    }
                default:
                    result.append(c)
                }
            }
            return nil
        }

        /// Any JSON value, checked only as far as telling where it ends.
        mutating func skipValue(depth: Int) -> Bool {
            guard depth < 128, index < text.endIndex else { return false }
            switch text[index] {
            case "\"": return string() != nil
            case "{", "[":
                let close: Character = text[index] == "{" ? "}" : "]"
                let isObject = close == "}"
                index = text.index(after: index)
                skipSpace()
                if take(close) { return true }
                while true {
                    skipSpace()
                    if isObject {
                        guard string() != nil else { return false }
                        skipSpace()
                        guard take(":") else { return false }
                        skipSpace()
                    }
                    guard skipValue(depth: depth + 1) else { return false }
                    skipSpace()
                    if take(close) { return true }
                    guard take(",") else { return false }
                }
            default:
                let start = index
                while index < text.endIndex, "+-.0123456789eEtrufalsn".contains(text[index]) {
                    index = text.index(after: index)
                }
                let word = text[start..<index]
                return word == "true" || word == "false" || word == "null" || Double(word) != nil
            }
        }

        mutating func skipSpace() {
            while index < text.endIndex, text[index].isWhitespace { index = text.index(after: index) }
        }

        mutating func take(_ c: Character) -> Bool {
            guard index < text.endIndex, text[index] == c else { return false }
            index = text.index(after: index)
            return true
        }
    }
}
