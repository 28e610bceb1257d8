/// A field of a request body that is there but holds what Loom cannot take, thrown while decoding
/// it: a sentence naming the field (`max_tokens must be an integer between 1 and 2147483647`).
struct InvalidField: Error {
    /// The field as the request spells it: `max_tokens`, `messages[0].content`.
    let field: String
    /// What the field must be, said after its name.
    let requirement: String

    init(_ codingPath: [any CodingKey], _ requirement: String) {
        field = Self.name(codingPath)
        self.requirement = requirement
    }

    var message: String { "\(field) \(requirement)" }

    /// `messages[0].content` for the path messages → 0 → content.
    static func name(_ codingPath: [any CodingKey]) -> String {
        var name = ""
        for key in codingPath {
            if let index = key.intValue {
                name += "[\(index)]"
            } else {
                name += name.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return name
    }
}
