import LoomProtocol
import Metrics

/// One worker's gauges, labelled with its id, and the reading they were last set to; and its
/// prefix cache's and image encoder's series.
struct WorkerGauges {
    private struct Reading: Equatable {
        var running: Int
        var waiting: Int
        var kvUsage: Double
        var up: Bool
    }

    private let running: Gauge
    private let waiting: Gauge
    private let kvUsage: Gauge
    private let up: Gauge
    private var recorded: Reading?
    private var prefixCache: PrefixCacheSeries
    private var vision: VisionSeries

    init(worker id: String, factory: any MetricsFactory) {
        let dimensions = [("worker", id)]
        running = Gauge(label: MetricName.workerRunning, dimensions: dimensions, factory: factory)
        waiting = Gauge(label: MetricName.workerWaiting, dimensions: dimensions, factory: factory)
        kvUsage = Gauge(label: MetricName.workerKVUsage, dimensions: dimensions, factory: factory)
        up = Gauge(label: MetricName.workerUp, dimensions: dimensions, factory: factory)
        prefixCache = PrefixCacheSeries(worker: id, factory: factory)
        vision = VisionSeries(worker: id, factory: factory)
    }

    mutating func record(_ status: WorkerStatus) {
        let load = status.load
        prefixCache.record(load.prefixCache)
        vision.record(load.vision)
        let reading = Reading(
            running: load.running, waiting: load.waiting,
            kvUsage: load.kvBlocksTotal > 0 ? Double(load.kvBlocksUsed) / Double(load.kvBlocksTotal) : 0,
            up: status.state == .ready || status.state == .busy)
        guard reading != recorded else { return }
        running.record(reading.running)
        waiting.record(reading.waiting)
        kvUsage.record(reading.kvUsage)
        up.record(reading.up ? 1 : 0)
        recorded = reading
    }

    /// The worker left the registry: its series are no longer shown.
    func destroy() {
        for gauge in [running, waiting, kvUsage, up] { gauge.destroy() }
        prefixCache.destroy()
        vision.destroy()
    }
}
