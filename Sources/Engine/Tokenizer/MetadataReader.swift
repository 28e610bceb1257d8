/// Typed reads of `tokenizer.*` metadata that fail with a `TokenizerError` naming the key.
struct MetadataReader {
    let metadata: [String: GGUFValue]

    func string(_ key: String) throws(TokenizerError) -> String {
        guard let value = metadata[key]?.string else { throw .missingMetadata(key: key) }
        return value
    }

    func optionalString(_ key: String) -> String? { metadata[key]?.string }

    func optionalBool(_ key: String) -> Bool? { metadata[key]?.bool }

    func optionalInt(_ key: String) -> Int? { metadata[key]?.int }

    /// An array whose every element `read` accepts; nil when the key is absent.
    func optionalArray<T>(_ key: String, _ read: (GGUFValue) -> T?) throws(TokenizerError) -> [T]? {
        guard let value = metadata[key] else { return nil }
        guard let items = value.array else { throw .missingMetadata(key: key) }
        var result: [T] = []
        result.reserveCapacity(items.count)
        for item in items {
            guard let typed = read(item) else { throw .malformed("\(key) holds an element of an unexpected type") }
            result.append(typed)
        }
        return result
    }

    func array<T>(_ key: String, _ read: (GGUFValue) -> T?) throws(TokenizerError) -> [T] {
        guard let items = try optionalArray(key, read) else { throw .missingMetadata(key: key) }
        return items
    }
}
