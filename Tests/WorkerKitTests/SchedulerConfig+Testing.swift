import Engine
import WorkerKit

extension SchedulerConfig {
    /// A roomy configuration; tests narrow the setting they are about. The scheduler plans in blocks
    /// only, so the layout's bytes per token is a stand-in.
    static func testing(
        maxRunning: Int = 8, maxBatchTokens: Int = 256, prefillChunk: Int = 64, kvBlockCount: Int = 512,
        kvBlockSize: Int = 16, contextLength: Int = 2048, stepTarget: Double? = nil, passLimit: Int? = nil,
        visionBudget: Double? = nil
    ) throws -> SchedulerConfig {
        try SchedulerConfig(
            maxRunning: maxRunning, maxBatchTokens: maxBatchTokens, prefillChunk: prefillChunk,
            kv: KVLayout(blockSize: kvBlockSize, blockCount: kvBlockCount, bytesPerToken: 1), contextLength: contextLength,
            stepTarget: stepTarget, passLimit: passLimit, visionBudget: visionBudget)
    }
}
