/// The figures of a run, as SGLang's and vLLM's serving benchmarks give them.
public struct BenchReport: Sendable, Equatable {
    /// `loom-http` or `loom-zmq`.
    public var backend: String
    public var target: String
    public var model: String
    public var load: BenchConfiguration.Load
    public var maxTokens: Int
    public var completed: Int
    public var failed: Int
    public var errorsByKind: [String: Int]
    /// Seconds from the first request sent to the last one ended.
    public var duration: Double
    public var totalInputTokens: Int
    public var totalOutputTokens: Int
    public var peakConcurrency: Int
    public var timeToFirstToken: LatencySummary
    public var timePerOutputToken: LatencySummary
    public var interTokenLatency: LatencySummary
    public var endToEndLatency: LatencySummary
    /// About this many tokens of system prompt began every request; `nil`: none.
    public var systemPromptTokens: Int?
    /// Conversations: the mean pause before each follow-up turn.
    public var thinkTime: Duration = .zero
    /// What the prefix cache supplied, over every successful request.
    public var cache: PromptCacheShare
    /// Conversations only: over turns 2 and later, whose history a cache can hold; `nil` otherwise.
    public var followUpCache: PromptCacheShare?
    /// Conversations only: each turn's figures, turn 1 first; empty otherwise.
    public var turns: [TurnSummary]

    public init(
        backend: String, target: String, model: String, configuration: BenchConfiguration, run: LoadGenerator.Run
    ) {
        self.backend = backend
        self.target = target
        self.model = model
        load = configuration.load
        maxTokens = configuration.maxTokens
        systemPromptTokens = configuration.systemPromptTokens
        thinkTime = configuration.thinkTime
        var timings: [RequestTiming] = []
        var errors: [String: Int] = [:]
        for record in run.records {
            switch record {
            case .success(let timing): timings.append(timing)
            case .failure(let kind, _): errors[kind, default: 0] += 1
            }
        }
        cache = PromptCacheShare(timings)
        turns = run.recordsByTurn.enumerated().map { TurnSummary(turn: $0.offset + 1, records: $0.element) }
        if case .conversations = load {
            followUpCache = PromptCacheShare(run.recordsByTurn.dropFirst().flatMap { $0.compactMap(\.timing) })
        }
        completed = timings.count
        failed = run.records.count - timings.count
        errorsByKind = errors
        duration = run.duration.milliseconds / 1000
        totalInputTokens = timings.reduce(0) { $0 + $1.inputTokens }
        totalOutputTokens = timings.reduce(0) { $0 + $1.outputTokens }
        peakConcurrency = run.peakConcurrency
        timeToFirstToken = LatencySummary(timings.map(\.timeToFirstToken))
        timePerOutputToken = LatencySummary(timings.compactMap(\.timePerOutputToken))
        interTokenLatency = LatencySummary(timings.flatMap(\.interTokenLatencies))
        endToEndLatency = LatencySummary(timings.map(\.latency))
    }

    public var requestThroughput: Double { perSecond(Double(completed)) }
    public var inputThroughput: Double { perSecond(Double(totalInputTokens)) }
    public var outputThroughput: Double { perSecond(Double(totalOutputTokens)) }
    public var totalThroughput: Double { perSecond(Double(totalInputTokens + totalOutputTokens)) }
    /// Requests in flight on average: the sum of their latencies over the duration (SGLang's `concurrency`).
    public var averageConcurrency: Double { perSecond(endToEndLatency.mean * Double(completed) / 1000) }

    /// The closed loop's streams (conversations at once); `nil` for an open loop.
    public var maxConcurrency: Int? { load.streams }

    /// The open loop's rate; `nil` (SGLang's `inf`) for a closed loop.
    public var requestRate: Double? {
        if case .open(let rate, _) = load { rate } else { nil }
    }

    public var burstiness: Double? {
        if case .open(_, let burstiness) = load { burstiness } else { nil }
    }

    private func perSecond(_ value: Double) -> Double {
        duration > 0 ? value / duration : 0
    }

    /// The latencies under their SGLang names: `ttft`, `tpot`, `itl`, `e2e_latency`.
    var latencies: [(name: String, title: String, summary: LatencySummary)] {
        [
            ("ttft", "TTFT", timeToFirstToken), ("tpot", "TPOT", timePerOutputToken),
            ("itl", "ITL", interTokenLatency), ("e2e_latency", "E2E Latency", endToEndLatency),
        ]
    }
}
