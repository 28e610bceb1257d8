import LoomProtocol
import Metrics

/// The gauges read off each status the socket thread publishes: the queue, the requests in flight
/// and every registered worker's load. They are set only when a value changes, so a backend that
/// pushes is not sent the same reading every tick; a worker's gauges go when it leaves the registry.
struct LoadGauges {
    private let factory: any MetricsFactory
    private let queueLength: Gauge
    private let inFlight: Gauge
    private var recorded: (queueLength: Int, inFlight: Int)?
    private var workers: [String: WorkerGauges] = [:]

    init(factory: any MetricsFactory) {
        self.factory = factory
        queueLength = Gauge(label: MetricName.queueLength, factory: factory)
        inFlight = Gauge(label: MetricName.requestsInFlight, factory: factory)
    }

    mutating func update(_ status: ControllerStatus) {
        let counters = status.counters
        if recorded?.queueLength != counters.queueLength { queueLength.record(counters.queueLength) }
        if recorded?.inFlight != counters.inFlight { inFlight.record(counters.inFlight) }
        recorded = (counters.queueLength, counters.inFlight)

        let listed = Set(status.workers.map(\.id))
        for (id, gauges) in workers where !listed.contains(id) {
            gauges.destroy()
            workers[id] = nil
        }
        let factory = factory
        for worker in status.workers {
            workers[worker.id, default: WorkerGauges(worker: worker.id, factory: factory)].record(worker)
        }
    }
}
