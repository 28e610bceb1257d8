import Foundation

/// Measures the vision tower alone: milliseconds per image when encoding batches of random images.
/// Warms up first (one batch of the largest size: touches every weight and all scratch), then times
/// `repetitions` encodes per batch size. Batches larger than the encoder's `maxBatch` run in chunks.
public struct VisionBenchmark {
    public struct Figure: Codable, Sendable {
        public let batch: Int
        /// Median over the repetitions.
        public let millisecondsPerImage: Double
        public let bestMillisecondsPerImage: Double
        /// Processor time of the whole process per image (all threads; median): on a busy machine,
        /// what the wall-clock figure would be on an idle one, times the thread count.
        public let cpuMillisecondsPerImage: Double
        public var imagesPerSecond: Double { 1000 / millisecondsPerImage }

        enum CodingKeys: String, CodingKey {
            case batch
            case millisecondsPerImage = "ms_per_image"
            case bestMillisecondsPerImage = "best_ms_per_image"
            case cpuMillisecondsPerImage = "cpu_ms_per_image"
        }
    }

    public struct Report: Codable, Sendable {
        public var gemm: String
        public var threads: Int
        public var figures: [Figure]
        public var peakRSSBytes: Int
        /// Bytes the tower's matrices take in memory, and the types they are held in ("f16", "q8_0+f16").
        public var weightBytes: Int
        public var weightTypes: String

        enum CodingKeys: String, CodingKey {
            case gemm, threads, figures
            case peakRSSBytes = "peak_rss_bytes"
            case weightBytes = "weight_bytes"
            case weightTypes = "weight_types"
        }
    }

    public let encoder: VisionEncoder
    public var batchSizes = [1, 4, 8]
    public var repetitions = 5

    public init(encoder: VisionEncoder) { self.encoder = encoder }

    public func run(progress: (String) -> Void = { _ in }) throws(VisionError) -> Report {
        var random = RandomSource(seed: 7)
        let images = (0..<max(batchSizes.max() ?? 1, 1)).map { _ in
            (0..<encoder.config.pixelCount).map { _ in random.unit() * 4 - 2 }
        }
        progress("warm-up")
        _ = try encoder.encode(Array(images.prefix(min(images.count, encoder.maxBatch))))
        var figures: [Figure] = []
        for batch in batchSizes where batch > 0 {
            progress("batch \(batch)")
            var times: [Double] = [], cpuTimes: [Double] = []
            for _ in 0..<max(repetitions, 1) {
                let start = DispatchTime.now().uptimeNanoseconds, cpuStart = Self.processorSeconds()
                _ = try encoder.encode(Array(images.prefix(batch)))
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(batch))
                cpuTimes.append((Self.processorSeconds() - cpuStart) * 1e3 / Double(batch))
            }
            times.sort()
            cpuTimes.sort()
            figures.append(Figure(batch: batch, millisecondsPerImage: times[times.count / 2], bestMillisecondsPerImage: times[0],
                                  cpuMillisecondsPerImage: cpuTimes[cpuTimes.count / 2]))
        }
        let layers = encoder.weights.linearLayers
        return Report(gemm: encoder.gemm.rawValue, threads: encoder.pool.threadCount, figures: figures,
                      peakRSSBytes: ProcessMemory.peakResidentBytes, weightBytes: encoder.weights.weightBytes,
                      weightTypes: Set(layers.map(\.weightType)).sorted().joined(separator: "+"))
    }

    static func processorSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
