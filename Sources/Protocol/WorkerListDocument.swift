/// `GET /v1/workers`, the controller's registry as JSON: what the front door writes and what
/// dashboards read back (docs/controller.md).
public struct WorkerListDocument: Codable, Sendable {
    public var object = "list"
    public let data: [Worker]

    public struct Worker: Codable, Sendable {
        public let id: String
        public let host: String
        public let version: String
        public let models: [String]
        public let state: String
        public let heartbeatAgeMs: Int
        public let load: Load
        public let capacity: Capacity

        enum CodingKeys: String, CodingKey {
            case id, host, version, models, state, load, capacity
            case heartbeatAgeMs = "heartbeat_age_ms"
        }
    }

    public struct Load: Codable, Sendable {
        public let waiting: Int
        public let running: Int
        public let kvBlocksUsed: Int
        public let kvBlocksTotal: Int
        public let tokensPerSecond: Double
        /// How many image embeddings the worker holds (their keys are in STATUS_REPLY only).
        public let recentImages: Int
        /// Zeros from a controller that does not write it.
        public let prefixCache: PrefixCache
        /// Zeros from a controller that does not write it.
        public let vision: Vision

        enum CodingKeys: String, CodingKey {
            case waiting, running, vision
            case kvBlocksUsed = "kv_blocks_used", kvBlocksTotal = "kv_blocks_total"
            case tokensPerSecond = "tokens_per_second", recentImages = "recent_images"
            case prefixCache = "prefix_cache"
        }
    }

    /// The worker's `PrefixCacheCounters`.
    public struct PrefixCache: Codable, Sendable {
        public let queriedTokens: Int
        public let hitTokens: Int
        public let cachedBlocks: Int
        public let evictions: Int

        enum CodingKeys: String, CodingKey {
            case evictions
            case queriedTokens = "queried_tokens", hitTokens = "hit_tokens", cachedBlocks = "cached_blocks"
        }
    }

    /// The worker's `VisionCounters`.
    public struct Vision: Codable, Sendable {
        public let imagesEncoded: Int
        public let encodeSeconds: Double
        public let queueDepth: Int

        enum CodingKeys: String, CodingKey {
            case imagesEncoded = "images_encoded", encodeSeconds = "encode_seconds", queueDepth = "queue_depth"
        }
    }

    public struct Capacity: Codable, Sendable {
        public let maxRunning: Int
        public let kvBlocks: Int
        public let kvBlockTokens: Int

        enum CodingKeys: String, CodingKey {
            case maxRunning = "max_running", kvBlocks = "kv_blocks", kvBlockTokens = "kv_block_tokens"
        }
    }

    public init(_ workers: [WorkerStatus]) {
        data = workers.map { status in
            Worker(
                id: status.id, host: status.host, version: status.version, models: status.models.map(\.name),
                state: status.state.name, heartbeatAgeMs: status.heartbeatAgeMs,
                load: Load(
                    waiting: status.load.waiting, running: status.load.running, kvBlocksUsed: status.load.kvBlocksUsed,
                    kvBlocksTotal: status.load.kvBlocksTotal, tokensPerSecond: status.load.tokensPerSecond,
                    recentImages: status.load.recentImages.count, prefixCache: PrefixCache(status.load.prefixCache),
                    vision: Vision(status.load.vision)),
                capacity: Capacity(
                    maxRunning: status.capacity.maxRunningSequences, kvBlocks: status.capacity.kvBlocks,
                    kvBlockTokens: status.capacity.kvBlockTokens))
        }
    }

    /// The workers as STATUS_REPLY would give them; what HTTP leaves out (context lengths, image
    /// keys) stays empty. An unknown state reads as gone.
    public var workers: [WorkerStatus] {
        data.map { worker in
            WorkerStatus(
                id: worker.id, host: worker.host, version: worker.version,
                models: worker.models.map { ModelInfo(name: $0, contextLength: 0, multimodal: false) },
                state: WorkerState(name: worker.state) ?? .gone, heartbeatAgeMs: worker.heartbeatAgeMs,
                load: WorkerLoad(
                    waiting: worker.load.waiting, running: worker.load.running, kvBlocksUsed: worker.load.kvBlocksUsed,
                    kvBlocksTotal: worker.load.kvBlocksTotal, tokensPerSecond: worker.load.tokensPerSecond,
                    recentImages: [], prefixCache: worker.load.prefixCache.counters, vision: worker.load.vision.counters),
                capacity: WorkerCapacity(
                    maxRunningSequences: worker.capacity.maxRunning, kvBlocks: worker.capacity.kvBlocks,
                    kvBlockTokens: worker.capacity.kvBlockTokens))
        }
    }
}

extension WorkerListDocument.Load {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        waiting = try container.decode(Int.self, forKey: .waiting)
        running = try container.decode(Int.self, forKey: .running)
        kvBlocksUsed = try container.decode(Int.self, forKey: .kvBlocksUsed)
        kvBlocksTotal = try container.decode(Int.self, forKey: .kvBlocksTotal)
        tokensPerSecond = try container.decode(Double.self, forKey: .tokensPerSecond)
        recentImages = try container.decode(Int.self, forKey: .recentImages)
        prefixCache = try container.decodeIfPresent(WorkerListDocument.PrefixCache.self, forKey: .prefixCache)
            ?? WorkerListDocument.PrefixCache(PrefixCacheCounters())
        vision = try container.decodeIfPresent(WorkerListDocument.Vision.self, forKey: .vision)
            ?? WorkerListDocument.Vision(VisionCounters())
    }
}

extension WorkerListDocument.PrefixCache {
    init(_ counters: PrefixCacheCounters) {
        self.init(
            queriedTokens: counters.queriedTokens, hitTokens: counters.hitTokens, cachedBlocks: counters.cachedBlocks,
            evictions: counters.evictions)
    }

    var counters: PrefixCacheCounters {
        PrefixCacheCounters(queriedTokens: queriedTokens, hitTokens: hitTokens, cachedBlocks: cachedBlocks, evictions: evictions)
    }
}

extension WorkerListDocument.Vision {
    init(_ counters: VisionCounters) {
        self.init(imagesEncoded: counters.imagesEncoded, encodeSeconds: counters.encodeSeconds, queueDepth: counters.queueDepth)
    }

    var counters: VisionCounters {
        VisionCounters(imagesEncoded: imagesEncoded, encodeSeconds: encodeSeconds, queueDepth: queueDepth)
    }
}

extension WorkerState {
    /// As the HTTP API and the dashboard write it.
    public var name: String {
        switch self {
        case .ready: "ready"
        case .busy: "busy"
        case .stale: "stale"
        case .gone: "gone"
        }
    }

    public init?(name: String) {
        guard let state = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = state
    }
}
