/// What a worker's HEARTBEAT says about its load.
public struct WorkerLoad: Sendable, Equatable {
    /// Requests admitted by the worker but not yet running.
    public var waiting: Int
    /// Sequences running.
    public var running: Int
    public var kvBlocksUsed: Int
    public var kvBlocksTotal: Int
    /// Tokens generated per second over the worker's last window.
    public var tokensPerSecond: Double
    /// Content hashes of images whose encoder output the worker holds, most recent first.
    public var recentImages: [UInt64]
    /// The prefix cache's counters since the worker started.
    public var prefixCache: PrefixCacheCounters
    /// The image encoder's counters since the worker started, and its queue now.
    public var vision: VisionCounters

    public init(
        waiting: Int, running: Int, kvBlocksUsed: Int, kvBlocksTotal: Int, tokensPerSecond: Double,
        recentImages: [UInt64], prefixCache: PrefixCacheCounters = PrefixCacheCounters(),
        vision: VisionCounters = VisionCounters()
    ) {
        self.waiting = waiting
        self.running = running
        self.kvBlocksUsed = kvBlocksUsed
        self.kvBlocksTotal = kvBlocksTotal
        self.tokensPerSecond = tokensPerSecond
        self.recentImages = recentImages
        self.prefixCache = prefixCache
        self.vision = vision
    }
}

/// What a worker's prefix cache did since it started, in prompt positions and KV blocks.
public struct PrefixCacheCounters: Sendable, Equatable {
    /// Prompt positions looked up in the cache at admission (vLLM's `prefix_cache_queries`).
    public var queriedTokens: Int
    /// Of those, positions whose KV was found (vLLM's `prefix_cache_hits`).
    public var hitTokens: Int
    /// Blocks the cache holds now, in use or evictable.
    public var cachedBlocks: Int
    /// Cached blocks evicted to make room.
    public var evictions: Int

    public init(queriedTokens: Int = 0, hitTokens: Int = 0, cachedBlocks: Int = 0, evictions: Int = 0) {
        self.queriedTokens = queriedTokens
        self.hitTokens = hitTokens
        self.cachedBlocks = cachedBlocks
        self.evictions = evictions
    }

    /// Hit positions over queried ones; 0 before any query.
    public var hitRate: Double { queriedTokens > 0 ? Double(hitTokens) / Double(queriedTokens) : 0 }
}

extension WorkerLoad {
    func encode(to writer: inout WireWriter) {
        writer.writeInt(waiting)
        writer.writeInt(running)
        writer.writeInt(kvBlocksUsed)
        writer.writeInt(kvBlocksTotal)
        writer.writeDouble(tokensPerSecond)
        writer.writeList(recentImages) { $0.writeFixed64($1) }
        writer.writeInt(prefixCache.queriedTokens)
        writer.writeInt(prefixCache.hitTokens)
        writer.writeInt(prefixCache.cachedBlocks)
        writer.writeInt(prefixCache.evictions)
        writer.writeInt(vision.imagesEncoded)
        writer.writeDouble(vision.encodeSeconds)
        writer.writeInt(vision.queueDepth)
    }

    init(from reader: inout WireReader) throws(WireError) {
        waiting = try reader.readInt("load.waiting")
        running = try reader.readInt("load.running")
        kvBlocksUsed = try reader.readInt("load.kv_used")
        kvBlocksTotal = try reader.readInt("load.kv_total")
        tokensPerSecond = try reader.readDouble("load.tokens_per_second")
        recentImages = try reader.readList("load.recent_images", limit: reader.limits.maxImageKeys) {
            (reader: inout WireReader) throws(WireError) in try reader.readFixed64("load.recent_images")
        }
        prefixCache = PrefixCacheCounters(
            queriedTokens: try reader.readInt("load.prefix_queried"), hitTokens: try reader.readInt("load.prefix_hits"),
            cachedBlocks: try reader.readInt("load.prefix_blocks"), evictions: try reader.readInt("load.prefix_evictions"))
        vision = VisionCounters(
            imagesEncoded: try reader.readInt("load.images_encoded"),
            encodeSeconds: try reader.readDouble("load.image_encode_seconds"),
            queueDepth: try reader.readInt("load.image_queue_depth"))
    }
}
