/// Reads llama.cpp's GBNF: `name ::= alternatives` rules, `|`, string literals, character classes,
/// `.`, groups, `*` `+` `?` `{m}` `{m,}` `{m,n}` and `#` comments.
///
/// A newline ends a rule's top level unless the next non-blank line does not start a new `name ::=`
/// (so a rule may continue on the next line); inside parentheses and after `|` newlines are blanks.
struct GBNFParser {
    private let text: [Unicode.Scalar]
    private var position = 0

    /// Repetition bounds above this are refused before expansion is even tried.
    static let maxRepetitionBound = 100_000

    init(_ source: String) {
        text = Array(source.unicodeScalars)
    }

    mutating func parseRules() throws(GrammarError) -> [GBNFRule] {
        var rules: [GBNFRule] = []
        skipBlanks(newlines: true)
        while !atEnd {
            rules.append(try parseRule())
            skipBlanks(newlines: true)
        }
        return rules
    }

    // MARK: Rules and sequences

    private mutating func parseRule() throws(GrammarError) -> GBNFRule {
        let (line, column) = location(position)
        guard let name = parseName() else { throw error("expected a rule name") }
        skipBlanks(newlines: false)
        guard match("::=") else { throw error("expected '::='") }
        skipBlanks(newlines: true)
        let alternatives = try parseAlternatives(nested: false)
        if !atEnd && current != "\n" && current != "\r" { throw error("expected a newline or the end of the grammar") }
        return GBNFRule(name: name, alternatives: alternatives, line: line, column: column)
    }

    private mutating func parseAlternatives(nested: Bool) throws(GrammarError) -> [[GBNFTerm]] {
        var alternatives = [try parseSequence(nested: nested)]
        while !atEnd && current == "|" {
            position += 1
            skipBlanks(newlines: true)
            alternatives.append(try parseSequence(nested: nested))
        }
        return alternatives
    }

    private mutating func parseSequence(nested: Bool) throws(GrammarError) -> [GBNFTerm] {
        var terms: [GBNFTerm] = []
        while !atEnd {
            let c = current
            if c == "\"" {
                terms.append(.literal(try parseLiteral()))
            } else if c == "[" {
                terms.append(.characters(try parseClass()))
            } else if c == "." {
                position += 1
                terms.append(.characters(UnicodeRanges.complement([])))
            } else if c == "(" {
                position += 1
                skipBlanks(newlines: true)
                let alternatives = try parseAlternatives(nested: true)
                guard !atEnd && current == ")" else { throw error("expected ')'") }
                position += 1
                terms.append(.group(alternatives))
            } else if isNameScalar(c) {
                if !nested && startsRule(at: position) { break }
                let (line, column) = location(position)
                terms.append(.reference(name: parseName()!, line: line, column: column))
            } else if c == "*" || c == "+" || c == "?" || c == "{" {
                guard let last = terms.popLast() else { throw error("expected an item before '\(c)'") }
                let (min, max) = try parseRepetition()
                terms.append(.repetition(last, min: min, max: max))
            } else {
                break
            }
            skipBlanks(newlines: nested)
        }
        return terms
    }

    private mutating func parseRepetition() throws(GrammarError) -> (Int, Int?) {
        let c = current
        position += 1
        switch c {
        case "*": return (0, nil)
        case "+": return (1, nil)
        case "?": return (0, 1)
        default: break
        }
        skipBlanks(newlines: false)
        let start = position
        guard let min = try parseCount() else { throw error("expected a number after '{'") }
        skipBlanks(newlines: false)
        var max: Int? = min
        if !atEnd && current == "," {
            position += 1
            skipBlanks(newlines: false)
            max = try parseCount()
            skipBlanks(newlines: false)
        }
        guard !atEnd && current == "}" else { throw error("expected '}'") }
        position += 1
        if let max, max < min { throw error("repetition bounds {\(min),\(max)}: the maximum is below the minimum", at: start) }
        return (min, max)
    }

    private mutating func parseCount() throws(GrammarError) -> Int? {
        let start = position
        var value = 0
        while !atEnd && current >= "0" && current <= "9" {
            value = value * 10 + Int(current.value - 48)
            position += 1
            if value > Self.maxRepetitionBound {
                throw error("repetition bound above \(Self.maxRepetitionBound)", at: start)
            }
        }
        return position > start ? value : nil
    }

    // MARK: Literals and classes

    private mutating func parseLiteral() throws(GrammarError) -> [Unicode.Scalar] {
        position += 1
        var scalars: [Unicode.Scalar] = []
        while true {
            guard !atEnd, current != "\n" else { throw error("unterminated string literal") }
            if current == "\"" { break }
            scalars.append(try parseCharacter())
        }
        position += 1
        return scalars
    }

    private mutating func parseClass() throws(GrammarError) -> [ClosedRange<UInt32>] {
        position += 1
        let negated = !atEnd && current == "^"
        if negated { position += 1 }
        var ranges: [ClosedRange<UInt32>] = []
        while true {
            guard !atEnd, current != "\n" else { throw error("unterminated character class") }
            if current == "]" { break }
            let start = position
            let low = try parseCharacter().value
            var high = low
            if position + 1 < text.count && current == "-" && text[position + 1] != "]" {
                position += 1
                high = try parseCharacter().value
                if high < low { throw error("character range is backwards", at: start) }
            }
            ranges.append(low...high)
        }
        position += 1
        let set = UnicodeRanges.normalized(ranges)
        return negated ? UnicodeRanges.complement(set) : set
    }

    /// One scalar of a literal or class, with its escape resolved.
    private mutating func parseCharacter() throws(GrammarError) -> Unicode.Scalar {
        let c = current
        position += 1
        guard c == "\\" else { return c }
        let start = position - 1
        guard !atEnd else { throw error("unterminated escape", at: start) }
        let e = current
        position += 1
        switch e {
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "\\", "\"", "[", "]", "-", "^", "/": return e
        case "x": return try parseHex(digits: 2, escapeStart: start)
        case "u": return try parseHex(digits: 4, escapeStart: start)
        case "U": return try parseHex(digits: 8, escapeStart: start)
        default: throw error("unknown escape '\\\(e)'", at: start)
        }
    }

    private mutating func parseHex(digits: Int, escapeStart: Int) throws(GrammarError) -> Unicode.Scalar {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard !atEnd, let digit = current.isASCII ? UInt32(String(current), radix: 16) : nil else {
                throw error("escape needs \(digits) hexadecimal digits", at: escapeStart)
            }
            value = value << 4 | digit
            position += 1
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw error("escape is not a Unicode scalar value", at: escapeStart)
        }
        return scalar
    }

    // MARK: Names, blanks, positions

    private func isNameScalar(_ c: Unicode.Scalar) -> Bool {
        c.isASCII && (c.properties.isAlphabetic || (c >= "0" && c <= "9") || c == "_" || c == "-")
    }

    private mutating func parseName() -> String? {
        let start = position
        while !atEnd && isNameScalar(current) { position += 1 }
        guard position > start else { return nil }
        var name = ""
        name.unicodeScalars.append(contentsOf: text[start..<position])
        return name
    }

    /// Whether `name ::=` starts at `index` (after which the current rule has ended).
    private func startsRule(at index: Int) -> Bool {
        var i = index
        while i < text.count && isNameScalar(text[i]) { i += 1 }
        guard i > index else { return false }
        while i < text.count && (text[i] == " " || text[i] == "\t") { i += 1 }
        return i + 2 < text.count && text[i] == ":" && text[i + 1] == ":" && text[i + 2] == "="
    }

    /// Skips spaces, tabs and comments; newlines too when `newlines`. At a rule's top level a newline
    /// is a blank only if what follows is neither the end nor the start of the next rule.
    private mutating func skipBlanks(newlines: Bool) {
        while !atEnd {
            let c = current
            if c == " " || c == "\t" {
                position += 1
            } else if c == "#" {
                while !atEnd && current != "\n" { position += 1 }
            } else if c == "\n" || c == "\r" {
                if !newlines {
                    var probe = self
                    probe.skipBlanks(newlines: true)
                    if probe.atEnd || probe.startsRule(at: probe.position) { return }
                }
                position += 1
            } else {
                return
            }
        }
    }

    private var atEnd: Bool { position >= text.count }
    private var current: Unicode.Scalar { text[position] }

    /// Consumes `token` if it comes next.
    private mutating func match(_ token: String) -> Bool {
        let scalars = Array(token.unicodeScalars)
        guard position + scalars.count <= text.count, Array(text[position..<position + scalars.count]) == scalars else { return false }
        position += scalars.count
        return true
    }

    func location(_ index: Int) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for c in text[..<min(index, text.count)] {
            if c == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }

    private func error(_ message: String, at index: Int? = nil) -> GrammarError {
        let (line, column) = location(index ?? position)
        return GrammarError(message, line: line, column: column)
    }
}
