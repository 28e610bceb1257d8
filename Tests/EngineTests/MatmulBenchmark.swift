import Engine
import Foundation
import Testing
import TestSupport

/// Throughput of the matrix products on SmolLM2-135M's weights. Not a test: prints figures.
/// `LOOM_BENCH=1 swift test -c release --filter MatmulBenchmark`
@Suite(.enabled(if: ProcessInfo.processInfo.environment["LOOM_BENCH"] == "1"), .requires(.smolLM2), .serialized)
struct MatmulBenchmark {
    static let names = ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"]

    /// Seconds per run of `body`: the fastest of many runs over ~0.4 s. The machine is shared, so
    /// the fastest run is the one that had both cores to itself.
    static func time(_ body: () -> Void) -> Double {
        body()
        let clock = ContinuousClock(), start = clock.now
        var best = Double.infinity
        while clock.now - start < .milliseconds(400) {
            let t = clock.measure(body)
            best = min(best, Double(t.components.seconds) + Double(t.components.attoseconds) * 1e-18)
        }
        return best
    }

    /// Seconds per pass over `parts` runs of `body(part)` in order: the sum of each part's fastest
    /// run over passes for ~0.5 s (at least three). Short parts are more likely than a long pass to
    /// find both cores free on a shared machine; each part still follows the one before it.
    static func time(parts: Int, _ body: (Int) -> Void) -> Double {
        let clock = ContinuousClock(), start = clock.now
        var best = [Double](repeating: .infinity, count: parts), passes = 0
        while passes < 3 || clock.now - start < .milliseconds(500) {
            for part in 0..<parts {
                let t = clock.measure { body(part) }
                best[part] = min(best[part], Double(t.components.seconds) + Double(t.components.attoseconds) * 1e-18)
            }
            passes += 1
        }
        return best.reduce(0, +)
    }

    struct Setup {
        let context: MatmulContext
        let x: UnsafeMutablePointer<Float>
        let y: UnsafeMutablePointer<Float>
    }

    static func setup(maxBatch: Int, outputs: Int) -> Setup {
        let context = MatmulContext(pool: ComputePool(threads: 2), maxBatch: maxBatch, maxCols: 1536)
        let x = UnsafeMutablePointer<Float>.allocate(capacity: maxBatch * 1536)
        var rng = SplitMix64(seed: 1)
        for i in 0..<maxBatch * 1536 { x[i] = rng.normal() }
        let y = UnsafeMutablePointer<Float>.allocate(capacity: maxBatch * outputs)
        return Setup(context: context, x: x, y: y)
    }

    static func report(_ label: String, seconds: Double, bytes: Int, params: Int, batch: Int) {
        let line = String(format: "%@  B=%3d  %8.1f µs  %6.1f GB/s  %6.1f GFLOP/s  %7.0f rows/s",
                          label, batch, seconds * 1e6, Double(bytes) / seconds * 1e-9,
                          2 * Double(params * batch) / seconds * 1e-9, Double(batch) / seconds)
        print(line)
    }

    /// All 30 layers' seven products, as one decode step runs them: 65 MB of Q4_1 read once per
    /// step. "grouped": Q, K, V in one call and gate, up in one call, as a decoder would.
    @Test func layerStack() throws {
        let gguf = try Fixtures.smolLM2()
        let layers = try (0..<30).map { l in try Self.names.map { try WeightMatrix(gguf: gguf, name: "blk.\(l).\($0).weight") } }
        let all = layers.flatMap { $0 }
        let bytes = all.reduce(0) { $0 + $1.rows * $1.rowBytes }, params = all.reduce(0) { $0 + $1.rows * $1.cols }
        let s = Self.setup(maxBatch: 512, outputs: 1536 * 3)
        let y = s.y, big = 512 * 1536
        let groups = layers.map { m in
            [[MatmulTarget(m[0], into: y), MatmulTarget(m[1], into: y + big), MatmulTarget(m[2], into: y + 2 * big)],
             [MatmulTarget(m[3], into: y)],
             [MatmulTarget(m[4], into: y), MatmulTarget(m[5], into: y + big)],
             [MatmulTarget(m[6], into: y)]]
        }
        print("SmolLM2 layer stack (210 products, Q4_1, \(bytes / 1_000_000) MB), \(KernelISA.best), 2 threads; sum of per-layer fastest runs")
        for batch in [1, 2, 4, 8, 16, 32, 64, 128, 512] {
            for path in batch == 128 ? [MatmulPath.int8, .sgemm] : [.int8] {
                let seconds = Self.time(parts: 30) { l in
                    for w in layers[l] { s.context.multiply(w, s.x, batch: batch, into: s.y, path: path) }
                }
                Self.report("  stack \(path)  ", seconds: seconds, bytes: bytes, params: params, batch: batch)
            }
            let seconds = Self.time(parts: 30) { l in
                for group in groups[l] { s.context.multiply(s.x, batch: batch, into: group) }
            }
            Self.report("  stack grouped", seconds: seconds, bytes: bytes, params: params, batch: batch)
        }
    }

    /// One shape, cycling through the 30 layers' copies so that the weights come from memory, not L2.
    @Test(arguments: ["ffn_gate", "ffn_down", "attn_q", "attn_k"])
    func shape(name: String) throws {
        let gguf = try Fixtures.smolLM2()
        let layers = try (0..<30).map { try WeightMatrix(gguf: gguf, name: "blk.\($0).\(name).weight") }
        let w0 = layers[0]
        let s = Self.setup(maxBatch: 512, outputs: w0.rows)
        print("\(name) \(w0.rows)×\(w0.cols) \(w0.type)")
        for batch in [1, 2, 4, 8, 16, 32, 128, 512] {
            for path in batch >= 128 ? [MatmulPath.int8, .sgemm] : [.int8] {
                var index = 0
                let seconds = Self.time {
                    s.context.multiply(layers[index], s.x, batch: batch, into: s.y, path: path)
                    index = (index + 1) % layers.count
                }
                Self.report("  \(path)", seconds: seconds, bytes: w0.rows * w0.rowBytes, params: w0.rows * w0.cols, batch: batch)
            }
        }
    }

    /// What a call costs beyond its arithmetic: a 16 × 32 product, and an empty parallel loop.
    @Test func overhead() {
        let w = QuantTestSupport.randomMatrix(.q4_1, rows: 16, cols: 32, seed: 1)
        for threads in [1, 2] {
            let pool = ComputePool(threads: threads)
            let context = MatmulContext(pool: pool, maxBatch: 1, maxCols: 32)
            let x = [Float](repeating: 0.5, count: 32)
            var y = [Float](repeating: 0, count: 16)
            let product = Self.time { context.multiply(w, x, batch: 1, into: &y) }
            let loop = Self.time { pool.parallelFor(threads) { _ in } }
            print(String(format: "overhead, %d threads: 16×32 product %.2f µs, empty parallelFor %.2f µs", threads, product * 1e6, loop * 1e6))
        }
    }

    /// Half-precision weights as a vision tower has them (CLIP ViT-L: 1024 → 4096), random.
    @Test func halfPrecisionSgemm() {
        let w = QuantTestSupport.randomMatrix(.f16, rows: 4096, cols: 1024, seed: 3)
        let s = Self.setup(maxBatch: 577, outputs: 4096)
        print("F16 4096×1024 (sgemm on f32 tiles)")
        for batch in [1, 16, 577] {
            let seconds = Self.time { s.context.multiply(w, s.x, batch: batch, into: s.y) }
            Self.report("  sgemm", seconds: seconds, bytes: w.rows * w.rowBytes, params: w.rows * w.cols, batch: batch)
        }
    }

    /// The tied output head: Q8_0 49152 × 576, 30 MB.
    @Test func outputHead() throws {
        let gguf = try Fixtures.smolLM2()
        let head = try WeightMatrix(gguf: gguf, name: "token_embd.weight")
        let s = Self.setup(maxBatch: 64, outputs: head.rows)
        print("output head \(head.rows)×\(head.cols) \(head.type)")
        for batch in [1, 2, 4, 8, 16, 32, 64] {
            let seconds = Self.time { s.context.multiply(head, s.x, batch: batch, into: s.y, path: .int8) }
            Self.report("  int8", seconds: seconds, bytes: head.rows * head.rowBytes, params: head.rows * head.cols, batch: batch)
        }
    }
}
