import Metrics

/// `MirroredCounter` for a total that is not a whole number (a worker's seconds spent encoding
/// images): each new total is recorded as the increment since the last one, and a total that went
/// down resets the counter.
struct MirroredFloatingPointCounter {
    private let counter: FloatingPointCounter
    private var shown = 0.0

    init(label: String, dimensions: [(String, String)], factory: any MetricsFactory) {
        counter = FloatingPointCounter(label: label, dimensions: dimensions, factory: factory)
    }

    mutating func show(_ total: Double) {
        let total = total.isFinite ? max(0, total) : shown
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
