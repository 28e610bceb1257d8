/// A weight matrix of `rows` output features × `cols` input features, in its file type (F32, F16,
/// BF16 or ggml's quantized blocks), used where it lies: each row is `rowBytes` bytes at
/// `data + row · rowBytes`. Nothing is copied from the mapped file.
///
/// A read-only view that keeps its storage alive (the mapped `GGUFFile`, or an owned buffer), so it
/// may be shared across threads.
public struct WeightMatrix: @unchecked Sendable {
    public let type: GGMLType
    /// Output features: the matrix's rows.
    public let rows: Int
    /// Input features: the length of a row.
    public let cols: Int
    public let rowBytes: Int
    public let data: UnsafeRawPointer
    private let owner: AnyObject

    /// The tensor `name`: ggml shape `[cols, rows]` (extra dimensions of 1 allowed).
    public init(gguf: GGUFFile, name: String) throws(GGUFError) {
        let info = try gguf.tensor(name)
        guard info.shape.dropFirst(2).allSatisfy({ $0 == 1 }) else {
            throw GGUFError(gguf.path, "tensor \(name) has shape \(info.shape), not a matrix")
        }
        try self.init(gguf: gguf, info: info, rows: info.shape.count > 1 ? info.shape[1] : 1, cols: info.shape[0])
    }

    /// The tensor `name` read as a `rows` × `cols` matrix: it must hold exactly that many values, and a
    /// row must be whole blocks. Checks a matrix's expected shape, or views a higher-rank tensor (a
    /// convolution kernel) as the matrix its memory already is.
    public init(gguf: GGUFFile, name: String, rows: Int, cols: Int) throws(GGUFError) {
        let info = try gguf.tensor(name)
        let natural = info.shape.count == 1 ? [info.shape[0], 1] : Array(info.shape.prefix(2))
        let reshape = info.shape.dropFirst(2).contains { $0 != 1 }
        guard rows > 0, cols > 0, info.elementCount == rows * cols, reshape || natural == [cols, rows] else {
            throw GGUFError(gguf.path, "tensor \(name) has shape \(info.shape), expected \(rows) rows × \(cols) columns")
        }
        try self.init(gguf: gguf, info: info, rows: rows, cols: cols)
    }

    private init(gguf: GGUFFile, info: GGUFTensorInfo, rows: Int, cols: Int) throws(GGUFError) {
        guard let rowBytes = info.type.rowBytes(cols), rowBytes * rows == info.byteCount else {
            throw GGUFError(gguf.path, "tensor \(info.name): a row of \(cols) \(info.type) values is not a whole number of blocks")
        }
        self.type = info.type
        self.rows = rows
        self.cols = cols
        self.rowBytes = rowBytes
        self.data = gguf.data(info)
        self.owner = gguf
    }

    /// A matrix over a copy of `bytes`: `rows` rows of `cols` values of `type`, row after row.
    public init(type: GGMLType, rows: Int, cols: Int, bytes: [UInt8]) {
        guard let rowBytes = type.rowBytes(cols), rows >= 0, rowBytes * rows == bytes.count else {
            preconditionFailure("\(bytes.count) bytes are not \(rows) rows of \(cols) \(type) values")
        }
        let storage = OwnedBytes(bytes)
        self.type = type
        self.rows = rows
        self.cols = cols
        self.rowBytes = rowBytes
        self.data = UnsafeRawPointer(storage.pointer)
        self.owner = storage
    }

    /// The raw blocks of `row`.
    public func row(_ row: Int) -> UnsafeRawPointer {
        precondition(row >= 0 && row < rows, "row \(row) out of 0..<\(rows)")
        return data + row * rowBytes
    }

    /// Writes the `cols` values of `row` to `out` (an embedding lookup).
    public func dequantizeRow(_ row: Int, into out: UnsafeMutablePointer<Float>) {
        Dequantize.values(type, from: self.row(row), count: cols, into: out)
    }
}

/// A 64-byte-aligned copy of some bytes, freed with its last reference.
private final class OwnedBytes {
    let pointer: UnsafeMutableRawPointer

    init(_ bytes: [UInt8]) {
        pointer = .allocate(byteCount: max(bytes.count, 1), alignment: 64)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { pointer.copyMemory(from: base, byteCount: source.count) }
        }
    }

    deinit { pointer.deallocate() }
}
