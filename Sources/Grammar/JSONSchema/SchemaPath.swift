import Foundation

/// A JSON pointer (RFC 6901) into the schema document: where errors are reported and what local `$ref`s name.
struct SchemaPath: Hashable, CustomStringConvertible {
    var tokens: [String] = []

    func appending(_ token: String) -> SchemaPath { SchemaPath(tokens: tokens + [token]) }
    func appending(_ index: Int) -> SchemaPath { appending(String(index)) }

    /// `#/properties/a~1b`: the URI-fragment form `$ref` uses, with `~` and `/` escaped.
    var description: String {
        "#" + tokens.map { "/" + $0.replacing("~", with: "~0").replacing("/", with: "~1") }.joined()
    }

    /// Parses a local reference: `#` or `#/…`, with `~0`, `~1` and percent escapes. Nil for anything else
    /// (remote URIs, `#anchor` names), which the compiler rejects.
    init?(reference: String) {
        guard reference.hasPrefix("#") else { return nil }
        let fragment = reference.dropFirst()
        if fragment.isEmpty { return }
        guard fragment.hasPrefix("/"), let decoded = String(fragment.dropFirst()).removingPercentEncoding else { return nil }
        tokens = decoded.split(separator: "/", omittingEmptySubsequences: false)
            .map { String($0).replacing("~1", with: "/").replacing("~0", with: "~") }
    }

    init(tokens: [String] = []) { self.tokens = tokens }

    /// The value this pointer names inside `document`, or nil when there is none.
    func resolve(in document: JSONValue) -> JSONValue? {
        var value = document
        for token in tokens {
            switch value {
            case .object(let members):
                guard let member = members.first(where: { $0.key == token }) else { return nil }
                value = member.value
            case .array(let elements):
                guard let index = Int(token), elements.indices.contains(index), String(index) == token else { return nil }
                value = elements[index]
            default:
                return nil
            }
        }
        return value
    }
}
