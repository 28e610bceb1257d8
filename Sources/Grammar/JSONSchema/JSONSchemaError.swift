/// Why a JSON Schema cannot be compiled to a grammar: the schema is malformed, or it uses a keyword whose
/// constraint the grammar cannot express exactly. `path` is the JSON pointer of the offending schema.
public struct JSONSchemaError: Error, CustomStringConvertible, Equatable {
    /// A JSON pointer into the schema document, e.g. `#/properties/age`.
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "schema at \(path): \(message)" }
}

extension JSONSchemaError {
    init(at path: SchemaPath, _ message: String) {
        self.init(path: path.description, message: message)
    }

    static func unsupported(_ keyword: String, at path: SchemaPath) -> JSONSchemaError {
        JSONSchemaError(at: path, "'\(keyword)' is not supported")
    }
}
