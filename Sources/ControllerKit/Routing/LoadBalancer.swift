import LoomProtocol
/// Chooses a worker for a request among candidates the registry found (live, serving the model,
/// with room): a value type, so every policy is tested step by step without sockets.
public struct LoadBalancer: Sendable {
    public let policy: RoutingPolicy
    public let cacheAware: CacheAwareSettings
    private var random: SplitMix64
    private var lastInTurn: String?
    private var history: PrefixHistory

    public init(policy: RoutingPolicy = .leastLoad, seed: UInt64 = 0x4C4F_4F4D, cacheAware: CacheAwareSettings = .init()) {
        self.policy = policy
        self.cacheAware = cacheAware
        random = SplitMix64(seed: seed)
        history = PrefixHistory(limit: cacheAware.historyPerWorker)
    }

    /// The id of the chosen worker; `nil` when there are no candidates.
    public mutating func pick(among candidates: [WorkerEntry], hints: RoutingHints = RoutingHints()) -> String? {
        guard !candidates.isEmpty else { return nil }
        let sorted = candidates.sorted { $0.id < $1.id }
        let chosen: String
        switch policy {
        case .leastLoad: chosen = Self.leastLoaded(sorted)
        case .roundRobin: chosen = nextInTurn(sorted)
        case .powerOfTwo: chosen = betterOfTwo(sorted)
        case .cacheAware:
            let key = Array(hints.promptKey.prefix(cacheAware.maxPromptKeyBytes))
            chosen = cacheAffine(sorted, hints.imageHashes, key)
            history.record(key, for: chosen)
        }
        return chosen
    }

    /// Drops what the policy remembers of a worker that left.
    public mutating func forget(_ worker: String) {
        history.forget(worker)
    }

    /// What a worker's load would be with one more request, over its speed: measured tokens/s when
    /// every candidate has measured one (so they compare in the same unit), else its capacity.
    public static func scores(_ candidates: [WorkerEntry]) -> [Double] {
        let measured = candidates.allSatisfy { $0.measuredTokensPerSecond > 0 }
        return candidates.map { entry in
            let speed = measured
                ? entry.measuredTokensPerSecond
                : Double(max(1, entry.registration.capacity.maxRunningSequences))
            return Double(entry.outstanding + 1) / speed
        }
    }

    /// The lowest score; the first (lowest id) among equals.
    static func leastLoaded(_ candidates: [WorkerEntry]) -> String {
        let scores = scores(candidates)
        var best = 0
        for index in scores.indices where scores[index] < scores[best] { best = index }
        return candidates[best].id
    }

    /// The first id after the last one chosen, wrapping around.
    private mutating func nextInTurn(_ sorted: [WorkerEntry]) -> String {
        let next = lastInTurn.flatMap { last in sorted.first { $0.id > last } } ?? sorted[0]
        lastInTurn = next.id
        return next.id
    }

    private mutating func betterOfTwo(_ candidates: [WorkerEntry]) -> String {
        guard candidates.count > 1 else { return candidates[0].id }
        let first = Int(random.next() % UInt64(candidates.count))
        var second = Int(random.next() % UInt64(candidates.count - 1))
        if second >= first { second += 1 }
        let pair = [candidates[first], candidates[second]]
        let scores = Self.scores(pair)
        return scores[1] < scores[0] ? pair[1].id : pair[0].id
    }

    /// Where the request's images are, else the worker the longest prefix of its prompt was routed to,
    /// else least load. The preferred worker gives way to the least loaded one when its queue is longer
    /// by both of the balance thresholds (SGLang's rule), so affinity never piles work on one worker.
    private func cacheAffine(_ candidates: [WorkerEntry], _ images: [UInt64], _ key: [UInt8]) -> String {
        let preferred = Self.leastLoaded(holders(candidates, images, key))
        let least = candidates.map(\.outstanding).min() ?? 0
        let load = candidates.first { $0.id == preferred }?.outstanding ?? 0
        return cacheAware.isImbalanced([least, load]) ? Self.leastLoaded(candidates) : preferred
    }

    /// The candidates holding the most of the request's images, else those the longest prefix of its
    /// prompt was routed to (over the match threshold), else all.
    private func holders(_ candidates: [WorkerEntry], _ images: [UInt64], _ key: [UInt8]) -> [WorkerEntry] {
        if !images.isEmpty {
            let held = candidates.map { entry in images.count { entry.load.recentImages.contains($0) } }
            if let most = held.max(), most > 0 { return candidates.indices.filter { held[$0] == most }.map { candidates[$0] } }
        }
        if !key.isEmpty {
            let matches = candidates.map { history.longestMatch(key, on: $0.id) }
            if let longest = matches.max(), longest > 0, Double(longest) >= cacheAware.matchThreshold * Double(key.count) {
                return candidates.indices.filter { matches[$0] == longest }.map { candidates[$0] }
            }
        }
        return candidates
    }
}
