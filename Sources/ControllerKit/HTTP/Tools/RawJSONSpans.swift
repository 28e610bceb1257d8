import Foundation

/// The JSON Schemas of a request exactly as the client wrote them. A decoded schema would lose its
/// properties' order, and that order is the order a constrained answer writes them in, as OpenAI's
/// structured outputs do. `RequestBodyDecoder` puts the body in the decoder's `userInfo`.
struct RawJSONSpans {
    static let bodyKey = CodingUserInfoKey(rawValue: "loom.rawBody")!

    private let body: Substring

    init?(_ decoder: any Decoder) {
        guard let bytes = decoder.userInfo[Self.bodyKey] as? [UInt8] else { return nil }
        body = String(decoding: bytes, as: UTF8.self)[...]
    }

    /// `tools[index].function.parameters`.
    func toolParameters(_ index: Int) -> String? {
        guard let tools = field("tools", of: body).flatMap(JSONObjectFields.elements), index < tools.count,
              let function = field("function", of: tools[index]),
              let parameters = field("parameters", of: function), parameters.first == "{"
        else { return nil }
        return String(parameters)
    }

    /// `response_format.json_schema.schema`.
    var responseSchema: String? {
        guard let format = field("response_format", of: body), let jsonSchema = field("json_schema", of: format),
              let schema = field("schema", of: jsonSchema), schema.first == "{"
        else { return nil }
        return String(schema)
    }

    private func field(_ key: String, of object: Substring) -> Substring? {
        JSONObjectFields.parse(object)?.last { $0.key == key }?.value
    }
}
