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

/// An image's identity, from its encoded bytes: what the caches compare, and what the heartbeat
/// advertises for routing.
///
/// Two hashes. `hash`, 64-bit FNV-1a, is what the controller computes too (`ImageContentHash`), so
/// the heartbeat's list means something to it; but FNV collisions are easy to make on purpose, and an
/// image made to collide with another would be answered from the other's cached rows or KV. So the
/// caches compare `keyed` as well: SipHash (Swift's `Hasher`) under a key drawn at random for each
/// process, which nobody outside can aim a collision at.
public struct ImageKey: Hashable, Sendable {
    public let hash: UInt64
    public let keyed: UInt64
    public let byteCount: Int

    public init(_ bytes: [UInt8]) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var hasher = Hasher()
        bytes.withUnsafeBufferPointer { b in
            for byte in b {
                h ^= UInt64(byte)
                h &*= 0x0000_0100_0000_01b3
            }
            hasher.combine(bytes: UnsafeRawBufferPointer(b))
        }
        hash = h
        keyed = UInt64(bitPattern: Int64(hasher.finalize()))
        byteCount = bytes.count
    }
}
