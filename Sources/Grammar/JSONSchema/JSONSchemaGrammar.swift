/// Compiles JSON Schemas (OpenAI's `response_format: json_schema` and tool parameters) to GBNF.
///
/// Supported: `type` (a name or a list), `properties`, `required`, `additionalProperties` (absent counts as
/// false), `items`, `prefixItems`, `minItems`, `maxItems`, `enum`, `const`, `minLength`, `maxLength`, integer
/// `minimum`/`maximum`/`exclusiveMinimum`/`exclusiveMaximum` (exact), local `$ref` with `$defs`/`definitions`
/// (recursion included), `anyOf`, `oneOf` (as anyOf), a single-schema `allOf`. Annotations are ignored. Any other
/// keyword throws, naming it and where it stands, rather than being silently unenforced.
///
/// The grammar matches values without leading or trailing whitespace; between tokens it allows at most one
/// space, or a newline and up to 32 spaces or tabs.
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
}
