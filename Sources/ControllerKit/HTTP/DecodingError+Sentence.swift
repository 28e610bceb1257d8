/// DecodingError as a sentence naming the field, in the request's own field names and JSON's
/// kinds of value (a string, a number, a list): no Swift type names, no debug text.
extension DecodingError {
    var sentence: (message: String, field: String?) {
        switch self {
        case .keyNotFound(let key, let context):
            let field = InvalidField.name(context.codingPath + [key])
            return ("the field '\(field)' is missing", field)
        case .typeMismatch(let type, let context):
            let field = InvalidField.name(context.codingPath)
            guard !field.isEmpty else { return ("the body must be a JSON object", nil) }
            return ("field '\(field)': expected \(Self.kind(type))", field)
        case .valueNotFound(let type, let context):
            let field = InvalidField.name(context.codingPath)
            return ("field '\(field)': expected \(Self.kind(type)), not null", field)
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return ("the body is not valid JSON", nil)
        case .dataCorrupted(let context):
            let field = InvalidField.name(context.codingPath)
            return ("field '\(field)' holds a value that cannot be read", field)
        @unknown default:
            return ("the body could not be read as a request", nil)
        }
    }

    /// The JSON kind of value a Swift type is read from.
    private static func kind(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is Substring.Type: "a string"
        case is Bool.Type: "true or false"
        case is any Numeric.Type: "a number"
        case is [Any].Type: "a list"
        case is [String: Any].Type: "an object"
        default: "another kind of value"
        }
    }
}
