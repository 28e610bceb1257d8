/// Where one tensor lies in a GGUF file.
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    /// ggml order: `shape[0]` is the innermost (row length); a weight matrix `out × in` is `[in, out]`.
    public let shape: [Int]
    public let type: GGMLType
    /// Byte offset from the start of the file.
    public let offset: Int
    public let byteCount: Int

    public var elementCount: Int { shape.reduce(1, *) }
    /// Length of one row (the innermost dimension).
    public var rowLength: Int { shape.first ?? 1 }
    /// Number of rows: every dimension past the first.
    public var rowCount: Int { shape.dropFirst().reduce(1, *) }
}
