import LoomProtocol

/// `GET /v1/models`: OpenAI's list of models, those of live workers.
struct ModelList: Encodable {
    let object = "list"
    let data: [Model]

    struct Model: Encodable {
        let id: String
        let object = "model"
        let created = 0
        let ownedBy = "loom"
        let maxModelLen: Int
        let multimodal: Bool

        enum CodingKeys: String, CodingKey {
            case id, object, created, multimodal
            case ownedBy = "owned_by", maxModelLen = "max_model_len"
        }
    }

    init(_ models: [ModelInfo]) {
        data = models.map { Model(id: $0.name, maxModelLen: $0.contextLength, multimodal: $0.multimodal) }
    }
}

/// `GET /v1/workers`: the registry, for dashboards.
struct WorkerList: Encodable {
    let object = "list"
    let data: [Worker]

    init(_ workers: [WorkerStatus]) {
        data = workers.map(Worker.init)
    }

    struct Worker: Encodable {
        let id: String
        let host: String
        let version: String
        let models: [String]
        let state: String
        let heartbeatAgeMs: Int
        let load: Load
        let capacity: Capacity

        enum CodingKeys: String, CodingKey {
            case id, host, version, models, state, load, capacity
            case heartbeatAgeMs = "heartbeat_age_ms"
        }

        init(_ status: WorkerStatus) {
            id = status.id
            host = status.host
            version = status.version
            models = status.models.map(\.name)
            state = status.state.name
            heartbeatAgeMs = status.heartbeatAgeMs
            load = Load(status.load)
            capacity = Capacity(status.capacity)
        }
    }

    struct Load: Encodable {
        let waiting: Int
        let running: Int
        let kvBlocksUsed: Int
        let kvBlocksTotal: Int
        let tokensPerSecond: Double
        let recentImages: Int

        enum CodingKeys: String, CodingKey {
            case waiting, running
            case kvBlocksUsed = "kv_blocks_used", kvBlocksTotal = "kv_blocks_total"
            case tokensPerSecond = "tokens_per_second", recentImages = "recent_images"
        }

        init(_ load: WorkerLoad) {
            waiting = load.waiting
            running = load.running
            kvBlocksUsed = load.kvBlocksUsed
            kvBlocksTotal = load.kvBlocksTotal
            tokensPerSecond = load.tokensPerSecond
            recentImages = load.recentImages.count
        }
    }

    struct Capacity: Encodable {
        let maxRunning: Int
        let kvBlocks: Int
        let kvBlockTokens: Int

        enum CodingKeys: String, CodingKey {
            case maxRunning = "max_running", kvBlocks = "kv_blocks", kvBlockTokens = "kv_block_tokens"
        }

        init(_ capacity: WorkerCapacity) {
            maxRunning = capacity.maxRunningSequences
            kvBlocks = capacity.kvBlocks
            kvBlockTokens = capacity.kvBlockTokens
        }
    }
}

/// `GET /health`.
struct HealthDocument: Encodable {
    let status: String
    let liveWorkers: Int

    enum CodingKeys: String, CodingKey {
        case status
        case liveWorkers = "live_workers"
    }
}

extension WorkerState {
    /// As dashboards show it.
    var name: String {
        switch self {
        case .ready: "ready"
        case .busy: "busy"
        case .stale: "stale"
        case .gone: "gone"
        }
    }
}
