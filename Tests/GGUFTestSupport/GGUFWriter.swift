import Engine
import Foundation

/// A GGUF file written from scratch (version 3): metadata in the order given, then tensors of any
/// type whose data are zeros, or a fixed pattern. A tensor's data offset follows the previous
/// tensor's at the alignment unless given.
public struct GGUFWriter: Sendable {
    public struct Tensor: Sendable {
        public var name: String
        public var shape: [Int]
        public var type: GGMLType
        public var offset: Int?

        public init(name: String, shape: [Int], type: GGMLType = .f32, offset: Int? = nil) {
            self.name = name
            self.shape = shape
            self.type = type
            self.offset = offset
        }
    }

    public var metadata: [(String, GGUFValue)]
    public var tensors: [Tensor]
    /// Padding before the data section; set `general.alignment` in the metadata to match.
    public var alignment: Int
    /// Size of the data section; by default it ends with the last tensor's data.
    public var dataBytes: Int?
    /// Tensor data byte `i` is `i × 37` (mod 256) rather than zero: nothing reads as all zeros.
    public var patterned: Bool

    public init(metadata: [(String, GGUFValue)], tensors: [Tensor] = [], alignment: Int = 32, dataBytes: Int? = nil,
                patterned: Bool = false) {
        self.metadata = metadata
        self.tensors = tensors
        self.alignment = alignment
        self.dataBytes = dataBytes
        self.patterned = patterned
    }

    /// Replaces the value of `key`, or appends it.
    public func with(_ key: String, _ value: GGUFValue) -> GGUFWriter {
        var copy = self
        if let i = copy.metadata.firstIndex(where: { $0.0 == key }) { copy.metadata[i].1 = value } else { copy.metadata.append((key, value)) }
        return copy
    }

    public func without(_ key: String) -> GGUFWriter {
        var copy = self
        copy.metadata.removeAll { $0.0 == key }
        return copy
    }

    /// The file's bytes, and where the data section starts.
    public func bytes() -> (bytes: [UInt8], dataStart: Int) {
        var out: [UInt8] = []
        func int<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func string(_ s: String) { int(UInt64(s.utf8.count)); out.append(contentsOf: s.utf8) }
        func typeID(_ v: GGUFValue) -> UInt32 {
            switch v {
            case .uint8: 0
            case .int8: 1
            case .uint16: 2
            case .int16: 3
            case .uint32: 4
            case .int32: 5
            case .float32: 6
            case .bool: 7
            case .string: 8
            case .array: 9
            case .uint64: 10
            case .int64: 11
            case .float64: 12
            }
        }
        func value(_ v: GGUFValue) {
            switch v {
            case .uint8(let x): int(x)
            case .int8(let x): int(x)
            case .uint16(let x): int(x)
            case .int16(let x): int(x)
            case .uint32(let x): int(x)
            case .int32(let x): int(x)
            case .uint64(let x): int(x)
            case .int64(let x): int(x)
            case .float32(let x): int(x.bitPattern)
            case .float64(let x): int(x.bitPattern)
            case .bool(let x): int(UInt8(x ? 1 : 0))
            case .string(let x): string(x)
            case .array(let items):
                int(items.first.map(typeID) ?? 8)
                int(UInt64(items.count))
                items.forEach(value)
            }
        }

        int(GGUFFile.magic)
        int(UInt32(3))
        int(UInt64(tensors.count))
        int(UInt64(metadata.count))
        for (key, v) in metadata {
            string(key)
            int(typeID(v))
            value(v)
        }
        var next = 0, end = 0
        for t in tensors {
            let offset = t.offset ?? next
            // A size too large for an Int counts as none (such a file is refused before its data is read).
            let rowBytes = t.shape.first.flatMap { t.type.rowBytes($0) } ?? 0
            let bytes = t.shape.dropFirst().reduce(rowBytes) { $0.multipliedReportingOverflow(by: $1).overflow ? 0 : $0 * $1 }
            string(t.name)
            int(UInt32(t.shape.count))
            t.shape.forEach { int(UInt64($0)) }
            int(t.type.rawValue)
            int(UInt64(offset))
            end = max(end, offset + bytes)
            next = (offset + bytes + alignment - 1) / alignment * alignment
        }
        let dataStart = (out.count + alignment - 1) / alignment * alignment
        out += [UInt8](repeating: 0, count: dataStart - out.count)
        let data = dataBytes ?? end
        out += patterned ? (0..<data).map { UInt8(truncatingIfNeeded: $0 &* 37) } : [UInt8](repeating: 0, count: data)
        return (out, dataStart)
    }

    /// Writes the file into a fresh temporary directory and returns its path.
    public func write() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loom-gguf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("model.gguf")
        try Data(bytes().bytes).write(to: url)
        return url.path
    }
}
