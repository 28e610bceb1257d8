import LoomProtocol
import Metrics

/// One worker's image-encoder series, labelled with its id, from the counters its heartbeats carry:
/// images encoded and seconds spent encoding them (the worker's own totals, mirrored as the
/// prefix cache's are, `PrefixCacheSeries`), and the images waiting for the encoder or in it now.
struct VisionSeries {
    private var imagesEncoded: MirroredCounter
    private var encodeSeconds: MirroredFloatingPointCounter
    private let queueDepth: Gauge
    private var recordedQueueDepth: Int?

    init(worker id: String, factory: any MetricsFactory) {
        let dimensions = [("worker", id)]
        imagesEncoded = MirroredCounter(label: MetricName.imagesEncoded, dimensions: dimensions, factory: factory)
        encodeSeconds = MirroredFloatingPointCounter(
            label: MetricName.imageEncodeSeconds, dimensions: dimensions, factory: factory)
        queueDepth = Gauge(label: MetricName.imageEncoderQueueDepth, dimensions: dimensions, factory: factory)
    }

    mutating func record(_ counters: VisionCounters) {
        imagesEncoded.show(counters.imagesEncoded)
        encodeSeconds.show(counters.encodeSeconds)
        if recordedQueueDepth != counters.queueDepth { queueDepth.record(counters.queueDepth) }
        recordedQueueDepth = counters.queueDepth
    }

    func destroy() {
        imagesEncoded.destroy()
        encodeSeconds.destroy()
        queueDepth.destroy()
    }
}
