/// The fixed rules every schema grammar draws on, named with the caller's prefix. Only those a schema uses
/// (and what they use) are emitted.
enum GBNFPrimitive: String, CaseIterable {
    case ws, string, char, number, integer, boolean, null, value, object, array

    /// Whitespace between tokens is bounded so a small model cannot loop on it: at most one space, or one
    /// newline followed by up to 32 spaces or tabs of indentation (pretty-printing 16 levels deep at two spaces).
    func body(prefix p: String) -> String {
        switch self {
        case .ws: #"( " " | "\n" [ \t]{0,32} )?"#
        case .string: #""\"" \#(p)char* "\"""#
        // Any character but `"`, `\`, DEL and controls, or an escape.
        case .char: #"[^"\\\x7F\x00-\x1F] | "\\" ( ["\\/bfnrt] | "u" [0-9a-fA-F]{4} )"#
        case .number: #""-"? ( "0" | [1-9] [0-9]* ) ( "." [0-9]+ )? ( [eE] [-+]? [0-9]+ )?"#
        case .integer: #""-"? ( "0" | [1-9] [0-9]* )"#
        case .boolean: #""true" | "false""#
        case .null: #""null""#
        case .value: "\(p)object | \(p)array | \(p)string | \(p)number | \(p)boolean | \(p)null"
        case .object:
            #""{" \#(p)ws ( \#(p)string \#(p)ws ":" \#(p)ws \#(p)value \#(p)ws ( "," \#(p)ws \#(p)string \#(p)ws ":" \#(p)ws \#(p)value \#(p)ws )* )? "}""#
        case .array: #""[" \#(p)ws ( \#(p)value \#(p)ws ( "," \#(p)ws \#(p)value \#(p)ws )* )? "]""#
        }
    }

    var dependencies: [GBNFPrimitive] {
        switch self {
        case .string: [.char]
        case .value: [.object, .array, .string, .number, .boolean, .null]
        case .object: [.ws, .string, .value]
        case .array: [.ws, .value]
        case .ws, .char, .number, .integer, .boolean, .null: []
        }
    }
}

enum GBNF {
    /// A GBNF string literal matching exactly the UTF-8 of `text`.
    static func literal(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case ..."\u{1F}", "\u{7F}":
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\x" + (hex.count == 1 ? "0" : "") + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Rule names are `[a-zA-Z0-9-]+`, what llama.cpp's GBNF accepts.
    static func isRuleName(_ name: Substring) -> Bool {
        name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
        }
    }

    /// `name ::= body` lines, one rule per line.
    static func rules(_ rules: [(name: String, body: String)]) -> String {
        rules.map { "\($0.name) ::= \($0.body)\n" }.joined()
    }
}
