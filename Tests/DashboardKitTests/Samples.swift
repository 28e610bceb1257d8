@testable import DashboardKit
import LoomProtocol

/// Workers and answers as a controller would give them.
enum Samples {
    static func worker(
        _ id: String, state: WorkerState = .ready, host: String = "node-1", model: String = "smollm2",
        running: Int = 0, waiting: Int = 0, kvUsed: Int = 0, kvTotal: Int = 100, tokensPerSecond: Double = 0,
        heartbeatAgeMs: Int = 120, prefixCache: PrefixCacheCounters = PrefixCacheCounters()
    ) -> WorkerStatus {
        WorkerStatus(
            id: id, host: host, version: "0.1.0", models: [ModelInfo(name: model, contextLength: 2048, multimodal: false)],
            state: state, heartbeatAgeMs: heartbeatAgeMs,
            load: WorkerLoad(
                waiting: waiting, running: running, kvBlocksUsed: kvUsed, kvBlocksTotal: kvTotal,
                tokensPerSecond: tokensPerSecond, recentImages: [], prefixCache: prefixCache),
            capacity: WorkerCapacity(maxRunningSequences: 8, kvBlocks: kvTotal, kvBlockTokens: 16))
    }

    static func status(_ workers: [WorkerStatus], queue: Int = 0, errors: Int = 0) -> DashboardStatus {
        DashboardStatus(
            uptimeMs: 3_723_000,
            counters: Counters(
                completed: 40, tokensGenerated: 5000, requestsPerSecond: 3.2, tokensPerSecond: 145.5, inFlight: 3,
                queueLength: queue, errorsLastMinute: errors),
            workers: workers)
    }

    /// The state after one poll per second for `seconds`, each with `workers`, ending at `now`.
    static func state(polling workers: [WorkerStatus], seconds: Int = 1, now: Double = 100) -> DashboardState {
        var state = DashboardState(source: "tcp://127.0.0.1:5559", intervalMs: 1000)
        for second in 0..<seconds {
            state.record(status(workers), at: now - Double(seconds - 1 - second))
        }
        return state
    }

    static func render(_ state: DashboardState, at now: Double = 100, _ size: TerminalSize = .standard) -> [String] {
        DashboardRenderer.render(state.frame(at: now), size: size).map(\.plain)
    }
}
