#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A GGUF file, memory-mapped read-only: metadata parsed at open, tensor data left in the mapping
/// (quantized weights are used where they lie; nothing is copied).
///
/// Immutable after `init`, and the mapping lives as long as the object, so sharing it across threads
/// is safe.
public final class GGUFFile: @unchecked Sendable {
    public let path: String
    public let version: Int
    public let metadata: [String: GGUFValue]
    /// Tensors in file order.
    public let tensors: [GGUFTensorInfo]
    public let tensorsByName: [String: GGUFTensorInfo]
    /// Start of the mapping.
    public let base: UnsafeRawPointer
    public let fileSize: Int

    public init(path: String) throws(GGUFError) {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw GGUFError(path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw GGUFError(path, "cannot stat: \(String(cString: strerror(errno)))") }
        let size = Int(info.st_size)
        guard size >= 24 else { throw GGUFError(path, "not a GGUF file: only \(size) bytes") }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw GGUFError(path, "cannot map: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(mapped)
        fileSize = size
        do {
            (version, metadata, tensors) = try Self.parse(base, size, path)
        } catch {
            munmap(mapped, size)
            throw error
        }
        tensorsByName = Dictionary(tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), fileSize) }

    /// The tensor called `name`, or an error naming it.
    public func tensor(_ name: String) throws(GGUFError) -> GGUFTensorInfo {
        guard let info = tensorsByName[name] else { throw GGUFError(path, "missing tensor \(name)") }
        return info
    }

    /// The raw bytes of a tensor.
    public func data(_ info: GGUFTensorInfo) -> UnsafeRawPointer { base + info.offset }

    // MARK: Typed metadata look-ups that name the key when it is absent or of the wrong type.

    public func require<T>(_ key: String, _ read: (GGUFValue) -> T?) throws(GGUFError) -> T {
        guard let value = metadata[key] else { throw GGUFError(path, "missing metadata key \(key)") }
        guard let typed = read(value) else { throw GGUFError(path, "metadata key \(key) has an unexpected type") }
        return typed
    }

    public func int(_ key: String) throws(GGUFError) -> Int { try require(key) { $0.int } }
    public func float(_ key: String) throws(GGUFError) -> Float { try require(key) { $0.float } }
    public func string(_ key: String) throws(GGUFError) -> String { try require(key) { $0.string } }

    // MARK: Parsing

    public static let magic: UInt32 = 0x4655_4747  // "GGUF" read little-endian

    private static func parse(_ base: UnsafeRawPointer, _ size: Int, _ path: String)
        throws(GGUFError) -> (Int, [String: GGUFValue], [GGUFTensorInfo])
    {
        var r = ByteReader(base: base, count: size, path: path)
        guard try r.u32("magic") == magic else { throw GGUFError(path, "not a GGUF file (bad magic)") }
        let version = Int(try r.u32("version"))
        guard version == 2 || version == 3 else { throw GGUFError(path, "unsupported GGUF version \(version)") }
        let tensorCount = try r.length("tensor count", minItemBytes: 24)
        let kvCount = try r.length("metadata count", minItemBytes: 12)

        var metadata: [String: GGUFValue] = [:]
        metadata.reserveCapacity(kvCount)
        for _ in 0..<kvCount {
            let key = try r.string("metadata key")
            let type = try r.u32("type of \(key)")
            metadata[key] = try readValue(&r, type: type, key: key)
        }

        let alignment: Int
        switch metadata[GGUFKey.alignment] {
        case nil: alignment = 32
        case let value?:
            guard let int = value.int else { throw GGUFError(path, "metadata key \(GGUFKey.alignment) has an unexpected type") }
            alignment = int
        }
        guard alignment > 0, alignment & (alignment - 1) == 0 else {
            throw GGUFError(path, "\(GGUFKey.alignment) is \(alignment); it must be a power of two")
        }

        var infos: [(String, [Int], GGMLType, Int)] = []
        infos.reserveCapacity(tensorCount)
        for _ in 0..<tensorCount {
            let name = try r.string("tensor name")
            let dims = Int(try r.u32("dimensions of \(name)"))
            guard (1...4).contains(dims) else { throw GGUFError(path, "corrupt: tensor \(name) has \(dims) dimensions") }
            var shape: [Int] = []
            for _ in 0..<dims {
                let d = try r.u64("shape of \(name)")
                guard d > 0, d < 1 << 40 else { throw GGUFError(path, "corrupt: tensor \(name) has dimension \(d)") }
                shape.append(Int(d))
            }
            let rawType = try r.u32("type of \(name)")
            guard let type = GGMLType(rawValue: rawType) else {
                throw GGUFError(path, "tensor \(name) has unsupported type \(rawType)")
            }
            let offset = try r.u64("offset of \(name)")
            guard offset < UInt64(size) else {
                throw GGUFError(path, "tensor \(name): data offset \(offset) is past the end of the file (\(size) bytes)")
            }
            guard offset % UInt64(alignment) == 0 else {
                throw GGUFError(path, "tensor \(name): data offset \(offset) is not a multiple of the alignment \(alignment)")
            }
            infos.append((name, shape, type, Int(offset)))
        }

        let dataStart = (r.position + alignment - 1) / alignment * alignment
        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(infos.count)
        for (name, shape, type, offset) in infos {
            guard let rowBytes = type.rowBytes(shape[0]) else {
                throw GGUFError(path, "tensor \(name): row length \(shape[0]) is not a multiple of \(type)'s block of \(type.blockSize)")
            }
            // Each dimension is below 2^40, so the product of four can overflow.
            var bytes = rowBytes, overflow = false
            for d in shape.dropFirst() where !overflow { (bytes, overflow) = bytes.multipliedReportingOverflow(by: d) }
            let start = dataStart + offset
            guard !overflow, start <= size, bytes <= size - start else {
                let need = overflow ? "more than \(Int.max)" : "\(bytes)"
                throw GGUFError(path, "tensor \(name): data of \(need) bytes (\(type) \(shape)) at file offset \(start) runs past the end of the file (\(size) bytes)")
            }
            tensors.append(GGUFTensorInfo(name: name, shape: shape, type: type, offset: start, byteCount: bytes))
        }
        return (version, metadata, tensors)
    }

    private static func readValue(_ r: inout ByteReader, type: UInt32, key: String) throws(GGUFError) -> GGUFValue {
        switch type {
        case 0: return .uint8(try r.scalar(UInt8.self, key))
        case 1: return .int8(try r.scalar(Int8.self, key))
        case 2: return .uint16(try r.scalar(UInt16.self, key))
        case 3: return .int16(try r.scalar(Int16.self, key))
        case 4: return .uint32(try r.u32(key))
        case 5: return .int32(try r.scalar(Int32.self, key))
        case 6: return .float32(Float(bitPattern: try r.u32(key)))
        case 7:
            let b = try r.scalar(UInt8.self, key)
            guard b <= 1 else { throw GGUFError(r.path, "corrupt: boolean \(key) is \(b)") }
            return .bool(b == 1)
        case 8: return .string(try r.string(key))
        case 9:
            let elementType = try r.u32("element type of \(key)")
            guard elementType != 9 else { throw GGUFError(r.path, "unsupported: nested array in \(key)") }
            let n = try r.length("length of \(key)")
            var items: [GGUFValue] = []
            items.reserveCapacity(n)
            for _ in 0..<n { items.append(try readValue(&r, type: elementType, key: key)) }
            return .array(items)
        case 10: return .uint64(try r.u64(key))
        case 11: return .int64(try r.scalar(Int64.self, key))
        case 12: return .float64(Double(bitPattern: try r.u64(key)))
        default: throw GGUFError(r.path, "corrupt: metadata \(key) has unknown value type \(type)")
        }
    }
}
