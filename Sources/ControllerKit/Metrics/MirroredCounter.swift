import Metrics

/// A counter that shows a total counted elsewhere (a worker's, read off its heartbeats): each new
/// total is recorded as the increment since the last one. A total that went down is a count that
/// started again from zero (the worker restarted), and the counter is reset with it, as Prometheus
/// expects of a process that restarts.
struct MirroredCounter {
    private let counter: Counter
    private var shown = 0

    init(label: String, dimensions: [(String, String)], factory: any MetricsFactory) {
        counter = Counter(label: label, dimensions: dimensions, factory: factory)
    }

    mutating func show(_ total: Int) {
        let total = max(0, total)
        if total < shown {
            counter.reset()
            shown = 0
        }
        if total > shown { counter.increment(by: total - shown) }
        shown = total
    }

    func destroy() {
        counter.destroy()
    }
}
