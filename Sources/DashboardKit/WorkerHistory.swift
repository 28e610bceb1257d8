import LoomProtocol

/// What the dashboard remembers between polls: each worker's tokens/s and prefix-cache totals over
/// the last minute (for its sparkline and its cache hit rate), and workers that have dropped out
/// of the controller's registry, kept a few seconds as gone so the operator sees them go. Time is
/// passed in (seconds on a monotonic clock), so this is tested without waiting.
public struct WorkerHistory: Sendable {
    public struct Sample: Sendable, Equatable {
        public var time: Double
        public var tokensPerSecond: Double
        public var prefixCache = PrefixCacheCounters()
    }

    /// Seconds of samples kept.
    public static let window: Double = 60
    /// Seconds a vanished worker stays on screen as gone.
    public let goneRetention: Double
    public private(set) var samples: [String: [Sample]] = [:]
    /// Workers no longer listed, as last seen, and when they vanished.
    private var vanished: [String: (last: WorkerStatus, since: Double)] = [:]
    /// The workers of the last poll.
    private var current: [String: WorkerStatus] = [:]

    public init(goneRetention: Double = 5) {
        self.goneRetention = goneRetention
    }

    /// Takes in one poll's workers.
    public mutating func record(_ workers: [WorkerStatus], at time: Double) {
        let listed = Dictionary(workers.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        for (id, worker) in current where listed[id] == nil && vanished[id] == nil {
            vanished[id] = (worker, time)
        }
        for id in listed.keys { vanished[id] = nil }
        current = listed
        for worker in workers {
            samples[worker.id, default: []].append(
                Sample(time: time, tokensPerSecond: worker.load.tokensPerSecond, prefixCache: worker.load.prefixCache))
        }
        vanished = vanished.filter { time - $0.value.since < goneRetention }
        let shown = Set(listed.keys).union(vanished.keys)
        samples = samples.filter { shown.contains($0.key) }.mapValues { $0.filter { time - $0.time <= Self.window } }
    }

    /// The workers to show at `time`: those of the last poll, then the vanished ones as gone,
    /// their heartbeat age still growing.
    public func workers(at time: Double) -> [WorkerStatus] {
        let gone = vanished.map { id, entry in
            var worker = entry.last
            worker.state = .gone
            worker.heartbeatAgeMs += Int((time - entry.since) * 1000)
            return worker
        }
        return Array(current.values) + gone
    }

    /// Tokens/s samples of worker `id` within the last minute, oldest first.
    public func throughput(of id: String) -> [Sample] {
        samples[id] ?? []
    }

    /// The share of prompt positions worker `id` found in its prefix cache over the last minute
    /// (the difference of its totals between the oldest and newest samples); over its whole life
    /// when it looked nothing up in that minute (or was polled once); `nil` before any look-up.
    public func cacheHitRate(of id: String) -> Double? {
        guard let samples = samples[id], let first = samples.first, let last = samples.last else { return nil }
        let restarted = zip(samples, samples.dropFirst()).contains { earlier, later in
            later.prefixCache.queriedTokens < earlier.prefixCache.queriedTokens
                || later.prefixCache.hitTokens < earlier.prefixCache.hitTokens
        }
        // Totals that went down: the worker restarted within the minute and counted again from zero.
        let base = restarted ? PrefixCacheCounters() : first.prefixCache
        let queried = last.prefixCache.queriedTokens - base.queriedTokens
        if queried > 0 { return Double(last.prefixCache.hitTokens - base.hitTokens) / Double(queried) }
        return last.prefixCache.queriedTokens > 0 ? last.prefixCache.hitRate : nil
    }
}
