/// Encoder outputs by image content, bounded by bytes, least recently used first out: the same image
/// asked about again is not encoded again.
public struct ImageEmbeddingCache: Sendable {
    public let capacityBytes: Int
    public private(set) var usedBytes = 0
    private var entries: [ImageKey: (rows: [Float], lastUse: UInt64)] = [:]
    private var clock: UInt64 = 0
    public private(set) var hits = 0
    public private(set) var misses = 0

    public init(capacityBytes: Int) { self.capacityBytes = capacityBytes }

    public var count: Int { entries.count }

    public mutating func lookup(_ key: ImageKey) -> [Float]? {
        guard let entry = entries[key] else {
            misses += 1
            return nil
        }
        hits += 1
        clock += 1
        entries[key]?.lastUse = clock
        return entry.rows
    }

    public mutating func insert(_ rows: [Float], for key: ImageKey) {
        let bytes = rows.count * MemoryLayout<Float>.size
        guard bytes <= capacityBytes, entries[key] == nil else { return }
        while usedBytes + bytes > capacityBytes, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            usedBytes -= oldest.value.rows.count * MemoryLayout<Float>.size
            entries[oldest.key] = nil
        }
        clock += 1
        entries[key] = (rows, clock)
        usedBytes += bytes
    }

    /// The most recently used keys, newest first (what a worker's heartbeat advertises).
    public func recentKeys(_ n: Int) -> [ImageKey] {
        entries.sorted { $0.value.lastUse > $1.value.lastUse }.prefix(n).map(\.key)
    }
}

/// An image's identity: a 64-bit FNV-1a hash of its encoded bytes, and their count.
public struct ImageKey: Hashable, Sendable {
    public init(hash: UInt64, byteCount: Int) {
        self.hash = hash
        self.byteCount = byteCount
    }

    public let hash: UInt64
    public let byteCount: Int

    public init(_ bytes: [UInt8]) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        bytes.withUnsafeBufferPointer { b in
            for byte in b {
                h ^= UInt64(byte)
                h &*= 0x0000_0100_0000_01b3
            }
        }
        hash = h
        byteCount = bytes.count
    }
}
