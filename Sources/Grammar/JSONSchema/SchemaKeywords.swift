/// Which schema keywords the compiler understands. Anything outside these sets is rejected rather than ignored:
/// an unknown keyword may constrain output in a way the grammar would not enforce.
enum SchemaKeywords {
    /// Carry no constraint; ignored. OpenAPI's `discriminator` (Pydantic writes it beside `oneOf`) only names the
    /// property whose `const` already tells the branches apart.
    static let annotations: Set<String> = [
        "title", "description", "default", "examples", "$schema", "$id", "$comment", "deprecated", "readOnly", "writeOnly",
        "discriminator",
    ]

    /// Hold subschemas only reached through `$ref`.
    static let definitions: Set<String> = ["$defs", "definitions"]

    static let string: Set<String> = ["minLength", "maxLength"]
    static let numeric: Set<String> = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]
    static let object: Set<String> = ["properties", "required", "additionalProperties"]
    static let array: Set<String> = ["items", "prefixItems", "additionalItems", "minItems", "maxItems"]

    /// Keywords that make a schema something other than a `type` with its type's keywords; each must stand
    /// alone (with annotations and definitions) because the grammar cannot intersect it with siblings.
    static let composition: [String] = ["$ref", "anyOf", "oneOf", "allOf"]
    static let literal: Set<String> = ["enum", "const"]

    static let supported: Set<String> = annotations.union(definitions).union(string).union(numeric).union(object)
        .union(array).union(composition).union(literal).union(["type"])

    static let types: [String] = ["null", "boolean", "object", "array", "number", "integer", "string"]
}
