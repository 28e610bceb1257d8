import ControllerKit
import LoomProtocol

/// A READY's registration for unit tests.
func registration(
    _ id: String, instance: UInt64 = 1, models: [String] = [testModel.name], maxRunning: Int = 4
) -> Registration {
    Registration(
        workerId: id, instance: instance, version: "test", host: "host-\(id)",
        models: models.map { ModelInfo(name: $0, contextLength: 2048, multimodal: false) },
        capacity: WorkerCapacity(maxRunningSequences: maxRunning, kvBlocks: 64, kvBlockTokens: 16))
}

func load(waiting: Int = 0, running: Int = 0, tokensPerSecond: Double = 0, images: [UInt64] = []) -> WorkerLoad {
    WorkerLoad(
        waiting: waiting, running: running, kvBlocksUsed: 0, kvBlocksTotal: 64, tokensPerSecond: tokensPerSecond,
        recentImages: images)
}

/// A registry entry with a given load, for balancer tests.
func entry(
    _ id: String, outstanding: Int = 0, tokensPerSecond: Double = 0, maxRunning: Int = 4, images: [UInt64] = []
) -> WorkerEntry {
    var entry = WorkerEntry(registration: registration(id, maxRunning: maxRunning), now: .now)
    entry.load = load(running: outstanding, images: images)
    entry.measuredTokensPerSecond = tokensPerSecond
    return entry
}
