/// `stream` and `stream_options` of a completion request.
struct StreamOptions: Decodable {
    var includeUsage: Bool?

    enum CodingKeys: String, CodingKey {
        case includeUsage = "include_usage"
    }
}
