/// Bounds-checked little-endian reads over a mapped file; every overrun is a `GGUFError`.
struct ByteReader {
    let base: UnsafeRawPointer
    let count: Int
    let path: String
    var position = 0

    mutating func bytes(_ n: Int, _ what: @autoclosure () -> String) throws(GGUFError) -> UnsafeRawBufferPointer {
        guard n >= 0, n <= count - position else {
            throw GGUFError(path, "truncated: \(what()) needs \(n) bytes at offset \(position), file has \(count)")
        }
        defer { position += n }
        return UnsafeRawBufferPointer(start: base + position, count: n)
    }

    mutating func scalar<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws(GGUFError) -> T {
        let raw = try bytes(MemoryLayout<T>.size, what())
        return T(littleEndian: raw.loadUnaligned(as: T.self))
    }

    mutating func u32(_ what: @autoclosure () -> String) throws(GGUFError) -> UInt32 { try scalar(UInt32.self, what()) }
    mutating func u64(_ what: @autoclosure () -> String) throws(GGUFError) -> UInt64 { try scalar(UInt64.self, what()) }

    /// A count or length that must fit in what is left of the file (each item takes at least `minItemBytes`).
    mutating func length(_ what: @autoclosure () -> String, minItemBytes: Int = 1) throws(GGUFError) -> Int {
        let raw = try u64(what())
        guard raw <= UInt64(count - position) / UInt64(max(minItemBytes, 1)) else {
            throw GGUFError(path, "corrupt: \(what()) of \(raw) at offset \(position - 8) exceeds the file")
        }
        return Int(raw)
    }

    mutating func string(_ what: @autoclosure () -> String) throws(GGUFError) -> String {
        let n = try length("length of \(what())")
        let raw = try bytes(n, what())
        // GGUF strings are UTF-8; a few vocabularies hold invalid sequences, which are repaired, not fatal.
        return String(decoding: raw, as: UTF8.self)
    }
}
