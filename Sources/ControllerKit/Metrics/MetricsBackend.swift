import CoreMetrics
import Prometheus

/// Where a controller's metrics go: the swift-metrics factory it records through, and the
/// Prometheus registry `GET /metrics` serves. The factory must write into the registry (alone or
/// among other backends, through a `MultiplexMetricsHandler`) for `/metrics` to show anything.
public struct MetricsBackend: Sendable {
    public let factory: any MetricsFactory
    public let registry: PrometheusCollectorRegistry

    public init(factory: any MetricsFactory, registry: PrometheusCollectorRegistry) {
        self.factory = factory
        self.registry = registry
    }

    /// A registry of its own, not the global `MetricsSystem`: controllers in one process (tests)
    /// never mix their counts.
    public init() {
        let registry = PrometheusCollectorRegistry()
        self.init(factory: Self.prometheusFactory(writingInto: registry), registry: registry)
    }

    /// A factory recording into `registry`, with the controller's latency buckets.
    public static func prometheusFactory(writingInto registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = latencyBuckets
        return factory
    }

    /// Upper bounds of each timer's histogram, in milliseconds, in the style of vLLM's.
    static let latencyBuckets: [String: [Duration]] = [
        MetricName.timeToFirstToken: [
            1, 5, 10, 20, 40, 60, 80, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10_000, 20_000, 40_000, 80_000,
        ],
        MetricName.interTokenLatency: [
            1, 5, 10, 25, 50, 75, 100, 150, 200, 300, 400, 500, 750, 1000, 2500, 5000, 7500, 10_000, 20_000, 40_000, 80_000,
        ],
        MetricName.endToEndLatency: [
            300, 500, 800, 1000, 1500, 2000, 2500, 5000, 10_000, 15_000, 20_000, 30_000, 40_000, 50_000, 60_000,
            120_000, 240_000, 480_000, 960_000, 1_920_000, 7_680_000,
        ],
        MetricName.requestImageQueue: imageBuckets,
        MetricName.requestImageEncode: imageBuckets,
    ].mapValues { $0.map { .milliseconds($0) } }

    /// An image's encoder on CPU takes from tens of milliseconds (a small vision tower) to seconds
    /// (CLIP ViT-L/336 on two cores), and waits behind the images queued before it.
    private static let imageBuckets = [
        10, 25, 50, 100, 250, 500, 750, 1000, 1500, 2000, 2500, 5000, 7500, 10_000, 20_000, 40_000, 80_000,
    ]
}
