import LoomProtocol
import Metrics

/// One worker's prefix-cache series, labelled with its id, from the counters its heartbeats carry.
///
/// The counters show the worker's own totals (since it started), not a sum the controller keeps:
/// they then read the same as `/v1/workers` and loom-top, and survive a controller restart. When
/// the worker restarts its totals start again from zero and the series drops with them; Prometheus's
/// `rate()` and `increase()` take a drop as a counter reset, which is what it is.
struct PrefixCacheSeries {
    private var queries: MirroredCounter
    private var hits: MirroredCounter
    private var evictions: MirroredCounter
    private let blocks: Gauge
    private var recordedBlocks: Int?

    init(worker id: String, factory: any MetricsFactory) {
        let dimensions = [("worker", id)]
        queries = MirroredCounter(label: MetricName.prefixCacheQueries, dimensions: dimensions, factory: factory)
        hits = MirroredCounter(label: MetricName.prefixCacheHits, dimensions: dimensions, factory: factory)
        evictions = MirroredCounter(label: MetricName.prefixCacheEvictions, dimensions: dimensions, factory: factory)
        blocks = Gauge(label: MetricName.prefixCacheBlocks, dimensions: dimensions, factory: factory)
    }

    mutating func record(_ counters: PrefixCacheCounters) {
        queries.show(counters.queriedTokens)
        hits.show(counters.hitTokens)
        evictions.show(counters.evictions)
        if recordedBlocks != counters.cachedBlocks { blocks.record(counters.cachedBlocks) }
        recordedBlocks = counters.cachedBlocks
    }

    func destroy() {
        for counter in [queries, hits, evictions] { counter.destroy() }
        blocks.destroy()
    }
}
