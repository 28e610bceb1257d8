import LoomProtocol

/// `GET /v1/workers` as the controller's front door writes it.
struct WorkerListDocument: Decodable {
    let data: [Worker]

    struct Worker: Decodable {
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
    }

    struct Load: Decodable {
        let waiting: Int
        let running: Int
        let kvBlocksUsed: Int
        let kvBlocksTotal: Int
        let tokensPerSecond: Double

        enum CodingKeys: String, CodingKey {
            case waiting, running
            case kvBlocksUsed = "kv_blocks_used", kvBlocksTotal = "kv_blocks_total"
            case tokensPerSecond = "tokens_per_second"
        }
    }

    struct Capacity: Decodable {
        let maxRunning: Int
        let kvBlocks: Int
        let kvBlockTokens: Int

        enum CodingKeys: String, CodingKey {
            case maxRunning = "max_running", kvBlocks = "kv_blocks", kvBlockTokens = "kv_block_tokens"
        }
    }

    /// The workers as STATUS_REPLY would give them; what HTTP leaves out (context lengths, image
    /// keys) stays empty. An unknown state reads as gone.
    var workers: [WorkerStatus] {
        data.map { worker in
            WorkerStatus(
                id: worker.id, host: worker.host, version: worker.version,
                models: worker.models.map { ModelInfo(name: $0, contextLength: 0, multimodal: false) },
                state: WorkerState(name: worker.state) ?? .gone, heartbeatAgeMs: worker.heartbeatAgeMs,
                load: WorkerLoad(
                    waiting: worker.load.waiting, running: worker.load.running, kvBlocksUsed: worker.load.kvBlocksUsed,
                    kvBlocksTotal: worker.load.kvBlocksTotal, tokensPerSecond: worker.load.tokensPerSecond,
                    recentImages: []),
                capacity: WorkerCapacity(
                    maxRunningSequences: worker.capacity.maxRunning, kvBlocks: worker.capacity.kvBlocks,
                    kvBlockTokens: worker.capacity.kvBlockTokens))
        }
    }
}
