/// Compiles JSON Schemas (OpenAI's `response_format: json_schema` and tool parameters) to GBNF.
///
/// Supported: `type` (a name or a list), `properties`, `required`, `additionalProperties`, `items`, `prefixItems`
/// (and draft 7's list `items` with `additionalItems`), `minItems`, `maxItems`, `enum`, `const`, `minLength`,
/// `maxLength`, `minimum`/`maximum`/`exclusiveMinimum`/`exclusiveMaximum` (exact: any bound on integers, 0 on
/// numbers; also draft 4's boolean exclusives), local `$ref` (`#`, `#/$defs/…`, `#/definitions/…`, any local
/// pointer; recursion included), `anyOf`, `oneOf`, a single-schema `allOf`. Annotations (`title`, `description`, `default`, `examples`, `$schema`, `$id`,
/// `$comment`, `deprecated`, `readOnly`, `writeOnly`, OpenAPI's `discriminator`) are ignored. Any other keyword
/// throws, naming it and the pointer where it stands, rather than being silently unenforced; so do `$ref`/`anyOf`/
/// `oneOf`/`allOf`/`enum`/`const` beside constraining siblings (the grammar does not intersect schemas).
///
/// Choices a grammar forces, or that suit generation:
/// - `additionalProperties` absent counts as false (OpenAI strict schemas, XGrammar's strict mode); a schema with no
///   constraint at all (`{}`) still matches any value. Other keys, when allowed, come after the named properties
///   and cannot be one of them. Named properties come in the order of `properties`.
/// - `oneOf` is compiled as `anyOf`: exclusivity is not enforced.
/// - Integers are written without fraction or exponent (`2`, not `2.0`); their bounds must fit in 64 bits. Bounds on
///   `number` other than 0 throw: with exponents, no compact grammar states them exactly.
/// - `enum`/`const` values match in canonical form: strings with the shortest escapes, numbers as written in the
///   schema, object members in schema order.
/// - `minLength`/`maxLength` count string characters or escapes (a surrogate pair escape counts two).
/// - No whitespace before or after the value; between tokens at most one space, or a newline and up to 32 spaces
///   or tabs, so a model cannot loop on whitespace.
/// - Counts above 1000 (`maxItems`, `maxLength`, …) and grammars above 256 KiB throw.
public enum JSONSchemaGrammar {
    /// GBNF whose `root` rule matches exactly the JSON texts valid against `schema` (a JSON text).
    public static func gbnf(schema: String) throws(JSONSchemaError) -> String {
        try SchemaCompiler.compile(schema, prefix: "").gbnf
    }

    /// Rules only, every rule name prefixed by `prefix`, for embedding in a larger grammar (tool calls):
    /// returns the GBNF rules and the name of the rule that matches the schema.
    public static func rules(schema: String, prefix: String) throws(JSONSchemaError) -> (gbnf: String, root: String) {
        try SchemaCompiler.compile(schema, prefix: prefix)
    }

    /// Any JSON object (OpenAI's `response_format: json_object`), as GBNF with rule `root`.
    public static let anyObjectGBNF: String = SchemaCompiler.anyObject()

    /// `text` as a JSON string literal: quotes, backslashes and control characters escaped, as the grammars expect.
    public static func quoted(_ text: String) -> String { JSONValue.encode(string: text) }
}
