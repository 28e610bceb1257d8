import Grammar
import LoomProtocol

/// `response_format` (OpenAI's `text`, `json_object`, `json_schema`) and `grammar` (GBNF, as
/// llama.cpp's server takes it), read into the one grammar the worker constrains decoding with.
/// Schemas are compiled here, at the front door, so a schema Loom cannot honour is a 400 before
/// any worker sees the request.
struct StructuredOutputFields {
    /// GBNF, or nil for free text.
    var grammar: String?

    private enum CodingKeys: String, CodingKey {
        case responseFormat = "response_format", grammar
    }

    private struct ResponseFormat: Decodable {
        var type: String
        var jsonSchema: JSONSchemaField?
        enum CodingKeys: String, CodingKey {
            case type
            case jsonSchema = "json_schema"
        }
    }

    private struct JSONSchemaField: Decodable {
        var name: String?
        var schema: AnyJSON?
        var strict: Bool?
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let formatPath = container.codingPath + [CodingKeys.responseFormat]
        if let format = try container.decodeIfPresent(ResponseFormat.self, forKey: .responseFormat) {
            switch format.type {
            case "text":
                break
            case "json_object":
                grammar = JSONSchemaGrammar.anyObjectGBNF
            case "json_schema":
                guard let field = format.jsonSchema else {
                    throw InvalidField(formatPath, "of type 'json_schema' needs 'json_schema'")
                }
                guard field.schema != nil, let schema = RawJSONSpans(decoder)?.responseSchema else {
                    throw InvalidField(formatPath, "json_schema.schema must be a JSON Schema object")
                }
                do {
                    grammar = try JSONSchemaGrammar.gbnf(schema: schema)
                } catch {
                    throw InvalidField(formatPath, "json_schema.schema: \(error.description)")
                }
            default:
                throw InvalidField(formatPath, "type must be 'text', 'json_object' or 'json_schema', not '\(format.type)'")
            }
        }
        if let text = try container.decodeIfPresent(String.self, forKey: .grammar) {
            let path = container.codingPath + [CodingKeys.grammar]
            guard grammar == nil else { throw InvalidField(path, "cannot be combined with response_format") }
            guard text.utf8.count <= WireLimits.default.maxGrammarBytes else {
                throw InvalidField(path, "is longer than \(WireLimits.default.maxGrammarBytes) bytes")
            }
            do {
                _ = try Grammar(gbnf: text)
            } catch {
                throw InvalidField(path, "is not a valid GBNF grammar: \(error.description)")
            }
            grammar = text
        }
    }
}
