/// A GBNF expression for a JSON string other than the given keys: what an additional property's key may be, so that
/// a named property cannot come back as an "additional" one with the wrong value. Built on a trie of the keys'
/// canonical encodings (as llama.cpp's `_not_strings`): at each node, either continue along a key, or take a
/// character no key takes there and then anything, or stop where no key stops.
///
/// Exact for keys written canonically; a key spelled with a needless `\u` escape (`"\u0061"` for `"a"`), or a key
/// containing a control character, is not told apart from the names.
enum OtherKeyGrammar {
    private final class Node {
        var children: [(unit: String, node: Node)] = []
        var isEnd = false

        func child(_ unit: String) -> Node {
            if let existing = children.first(where: { $0.unit == unit }) { return existing.node }
            let node = Node()
            children.append((unit, node))
            return node
        }
    }

    static func expression(excluding keys: [String], char: String) -> String {
        let root = Node()
        for key in keys {
            var node = root
            for unit in units(of: key) { node = node.child(unit) }
            node.isEnd = true
        }
        return #""\"" "# + alternatives(root, char: char) + #" "\"""#
    }

    /// The characters of a key's JSON text between the quotes: a plain scalar or a whole escape sequence.
    private static func units(of key: String) -> [String] {
        var units: [String] = []
        var escape = ""
        for scalar in JSONValue.encode(string: key).unicodeScalars.dropFirst().dropLast() {
            if escape.isEmpty && scalar != "\\" {
                units.append(String(scalar))
                continue
            }
            escape.unicodeScalars.append(scalar)
            if escape.count == 2 && !escape.hasSuffix("u") || escape.count == 6 {
                units.append(escape)
                escape = ""
            }
        }
        return units
    }

    private static func alternatives(_ node: Node, char: String) -> String {
        var options = node.children.map { unit, child in
            GBNF.literal(unit) + (child.children.isEmpty && child.isEnd ? " \(char)+" : " " + alternatives(child, char: char))
        }
        options.append(otherUnit(than: node.children.map(\.unit)) + " \(char)*")
        return "( " + options.joined(separator: " | ") + " )" + (node.isEnd ? "" : "?")
    }

    /// One string character that is none of `units`. `\u` escapes are never excluded (see the type's comment).
    private static func otherUnit(than units: [String]) -> String {
        let plain = units.filter { !$0.hasPrefix("\\") }.flatMap(\.unicodeScalars)
        let escaped = Set(units.filter { $0.count == 2 && $0.hasPrefix("\\") }.map { $0.unicodeScalars.last! })
        let classExtra = plain.map { scalar in
            // Characters special inside a GBNF class are written as hex escapes.
            "]\\^-[\"".unicodeScalars.contains(scalar) ? "\\x" + String(scalar.value, radix: 16, uppercase: true) : String(scalar)
        }.joined()
        let shortEscapes = "\"\\/bfnrt".unicodeScalars.filter { !escaped.contains($0) }.map {
            $0 == "\"" || $0 == "\\" ? "\\" + String($0) : String($0)
        }.joined()
        return #"( [^"\\\x7F\x00-\x1F"# + classExtra + #"] | "\\" ( ["# + shortEscapes + #"] | "u" [0-9a-fA-F]{4} ) )"#
    }
}
