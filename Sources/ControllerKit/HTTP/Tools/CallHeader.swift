/// The beginning of one call as models write it, `{"name": "NAME", "arguments": ` (or Llama's
/// `"parameters"`), up to the `{` of its arguments: once it has come, the call's name is known and
/// its arguments can be streamed as they are generated.
enum CallHeader {
    enum Match: Equatable {
        /// The header, and where the arguments' `{` stands in the text.
        case header(name: String, argumentsStart: String.Index)
        /// The text so far may still become a header.
        case undecided
        /// Not this shape: the call, if it is one, is read whole when it ends.
        case other
    }

    static func match(_ text: Substring) -> Match {
        var i = text.startIndex
        func skipSpace() { while i < text.endIndex, text[i].isWhitespace { i = text.index(after: i) } }
        /// Takes `literal` at `i`: nil when the text ends first (undecided), false when it differs.
        func take(_ literal: String) -> Bool? {
            for c in literal {
                guard i < text.endIndex else { return nil }
                guard text[i] == c else { return false }
                i = text.index(after: i)
            }
            return true
        }
        skipSpace()
        guard let open = take("{\"name\"") else { return .undecided }
        guard open else { return .other }
        skipSpace()
        guard let colon = take(":") else { return .undecided }
        guard colon else { return .other }
        skipSpace()
        guard let quote = take("\"") else { return .undecided }
        guard quote else { return .other }
        var name = ""
        while i < text.endIndex, text[i] != "\"" {
            // Anything but a tool name's characters is read whole.
            guard ToolFields.isNameCharacter(text[i]) else { return .other }
            name.append(text[i])
            i = text.index(after: i)
        }
        guard i < text.endIndex else { return .undecided }
        i = text.index(after: i)
        skipSpace()
        guard let comma = take(",") else { return .undecided }
        guard comma else { return .other }
        skipSpace()
        let rest = text[i...]
        guard rest.count >= 2 else { return .undecided }
        let key: String
        if rest.hasPrefix("\"a") {
            key = "\"arguments\""
        } else if rest.hasPrefix("\"p") {
            key = "\"parameters\""
        } else {
            return .other
        }
        guard let named = take(key) else { return .undecided }
        guard named else { return .other }
        skipSpace()
        guard let colon2 = take(":") else { return .undecided }
        guard colon2 else { return .other }
        skipSpace()
        guard i < text.endIndex else { return .undecided }
        return text[i] == "{" ? .header(name: name, argumentsStart: i) : .other
    }
}

/// Where a JSON object written piece by piece ends: its depth, and whether a string is open.
struct JSONObjectEnd {
    private var depth = 0
    private var inString = false
    private var escaped = false
    private(set) var ended = false

    /// How much of `text` belongs to the object: all of it, or up to and including its closing `}`.
    mutating func consume(_ text: Substring) -> Substring.Index {
        var i = text.startIndex
        while i < text.endIndex, !ended {
            let c = text[i]
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
            } else if c == "\"" {
                inString = true
            } else if c == "{" || c == "[" {
                depth += 1
            } else if c == "}" || c == "]" {
                depth -= 1
                ended = depth == 0
            }
            i = text.index(after: i)
        }
        return i
    }
}
