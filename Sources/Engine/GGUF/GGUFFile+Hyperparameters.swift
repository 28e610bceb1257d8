/// Hyperparameter look-ups that refuse values no model can run with, naming the key and the value
/// (`llama.block_count is 0; it must be positive`).
extension GGUFFile {
    /// The value of `key`, nil when absent, an error naming the key when of the wrong type.
    public func optional<T>(_ key: String, _ read: (GGUFValue) -> T?) throws(GGUFError) -> T? {
        guard metadata[key] != nil else { return nil }
        return try require(key, read)
    }

    /// A count that must be at least `minimum` (1 unless told); `fallback` when the key is absent,
    /// which is required when there is no fallback.
    public func count(_ key: String, minimum: Int = 1, fallback: Int? = nil) throws(GGUFError) -> Int {
        let value: Int
        if let fallback, metadata[key] == nil { value = fallback } else { value = try int(key) }
        guard value >= minimum else {
            throw invalid(key, value, minimum == 1 ? "it must be positive" : "it must be at least \(minimum)")
        }
        return value
    }

    /// A positive finite number (an epsilon, a base); `fallback` when the key is absent.
    public func positiveNumber(_ key: String, fallback: Float? = nil) throws(GGUFError) -> Float {
        let value: Float
        if let fallback, metadata[key] == nil { value = fallback } else { value = try float(key) }
        guard value > 0, value.isFinite else { throw invalid(key, value, "it must be a positive number") }
        return value
    }

    /// `key is value; requirement`, for this file.
    public func invalid(_ key: String, _ value: some CustomStringConvertible, _ requirement: String) -> GGUFError {
        GGUFError(path, "\(key) is \(value); \(requirement)")
    }

    /// Throws unless `whole` (the value of `wholeKey`) is a multiple of `part` (the value of `partKey`).
    public func requireDivisible(_ wholeKey: String, _ whole: Int, by partKey: String, _ part: Int) throws(GGUFError) {
        guard part > 0, whole % part == 0 else {
            throw GGUFError(path, "\(wholeKey) \(whole) is not a multiple of \(partKey) \(part)")
        }
    }
}
