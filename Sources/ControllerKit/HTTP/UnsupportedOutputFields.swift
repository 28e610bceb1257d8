/// Chat fields that ask for output this server cannot make (spoken audio, predicted outputs, web
/// search): answering without them would change the answer silently, so a request that sets one is
/// refused, naming it. Fields that change nothing for Loom (`user`, `metadata`, `store`,
/// `service_tier`, `parallel_tool_calls`) are read past like any unknown field.
struct UnsupportedOutputFields: Decodable {
    enum CodingKeys: String, CodingKey {
        case audio, modalities, prediction
        case webSearchOptions = "web_search_options"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        for key in [CodingKeys.audio, .prediction, .webSearchOptions] where container.contains(key) {
            guard try container.decodeNil(forKey: key) else {
                throw InvalidField(container.codingPath + [key], "is not supported: this server answers with text only, without audio, predicted outputs or web search")
            }
        }
        if let modalities = try container.decodeIfPresent([String].self, forKey: .modalities), modalities.contains(where: { $0 != "text" }) {
            throw InvalidField(container.codingPath + [CodingKeys.modalities], "may only list \"text\": this server answers with text only")
        }
    }
}
