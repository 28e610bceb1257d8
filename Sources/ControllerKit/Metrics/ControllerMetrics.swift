import LoomProtocol
import Metrics

/// What the relay counts and times: recorded through swift-metrics as it happens (what `/metrics`
/// shows, or whatever backend the factory feeds), and tallied for STATUS_REPLY.
struct ControllerMetrics: Sendable {
    private let factory: any MetricsFactory
    /// By `RequestOutcome.label`, each made when its outcome first happens: only outcomes seen are shown.
    private var requests: [String: Counter] = [:]
    private let promptTokens: Counter
    private let generationTokens: Counter
    private let timeToFirstToken: Timer
    private let interTokenLatency: Timer
    private let endToEndLatency: Timer
    private let imageQueue: Timer
    private let imageEncode: Timer
    private(set) var tally = StatusTally()

    init(factory: any MetricsFactory) {
        self.factory = factory
        promptTokens = Counter(label: MetricName.promptTokens, factory: factory)
        generationTokens = Counter(label: MetricName.generationTokens, factory: factory)
        timeToFirstToken = Timer(label: MetricName.timeToFirstToken, factory: factory)
        interTokenLatency = Timer(label: MetricName.interTokenLatency, factory: factory)
        endToEndLatency = Timer(label: MetricName.endToEndLatency, factory: factory)
        imageQueue = Timer(label: MetricName.requestImageQueue, factory: factory)
        imageEncode = Timer(label: MetricName.requestImageEncode, factory: factory)
    }

    func recordFirstToken(after wait: Duration) {
        timeToFirstToken.record(duration: wait)
    }

    /// `tokens` new tokens arrived `gap` after the previous PARTIAL of their request: each token
    /// counts as `gap / tokens` apart.
    mutating func recordTokens(_ tokens: Int, gap: Duration?) {
        guard tokens > 0 else { return }
        generationTokens.increment(by: tokens)
        tally.countTokens(tokens)
        guard let gap else { return }
        for _ in 0..<tokens { interTokenLatency.record(duration: gap / tokens) }
    }

    func recordPromptTokens(_ tokens: Int) {
        promptTokens.increment(by: tokens)
    }

    /// The worker's image timings of a request that ended with FINAL; a request with no image to
    /// encode (none, or all of them already encoded there) reports zeros and is not timed.
    func recordImageTimings(_ timings: Timings) {
        guard timings.imageQueueMs > 0 || timings.imageEncodeMs > 0 else { return }
        imageQueue.record(duration: .milliseconds(max(0, timings.imageQueueMs)))
        imageEncode.record(duration: .milliseconds(max(0, timings.imageEncodeMs)))
    }

    /// A request ended; `sentError` when the client was sent an ERROR.
    mutating func recordEnd(_ outcome: RequestOutcome, after latency: Duration, sentError: Bool, unixSecond: Int64) {
        count(outcome)
        endToEndLatency.record(duration: latency)
        if sentError { tally.countError(at: unixSecond) }
    }

    /// A message refused before it became a request: counted, not timed.
    mutating func recordRejection(_ outcome: RequestOutcome, unixSecond: Int64) {
        count(outcome)
        tally.countError(at: unixSecond)
    }

    /// Called at each tick, for STATUS_REPLY's rates.
    mutating func sample(at now: ContinuousClock.Instant) {
        tally.sample(at: now)
    }

    private mutating func count(_ outcome: RequestOutcome) {
        let label = outcome.label
        let counter = requests[label] ?? Counter(label: MetricName.requests, dimensions: [("outcome", label)], factory: factory)
        requests[label] = counter
        counter.increment()
        tally.count(outcome)
    }
}
