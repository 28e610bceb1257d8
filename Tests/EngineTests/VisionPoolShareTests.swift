import CKernels
import COpenBLAS
import Foundation
import Testing
@testable import Engine

/// The vision tower on the decoder's compute pool: shares cover a range once, every share's writes are
/// visible when the call returns, the worker threads take shares, and a linear layer or the whole tower
/// split over any number of threads computes what one thread does.
struct VisionPoolShareTests {
    @Test(arguments: [1, 2, 3])
    func everyIndexRunsOncePerStepAndFinishesBeforeItReturns(threads: Int) {
        let pool = ComputePool(threads: threads)
        for count in [0, 1, 2, 5, 197] {
            let steps = 500
            var counts = [Int](repeating: 0, count: count)
            var lastStep = [Int](repeating: -1, count: count)
            var complete = 0
            counts.withUnsafeMutableBufferPointer { counts in
                lastStep.withUnsafeMutableBufferPointer { lastStep in
                    for step in 0..<steps {
                        pool.forEachShare(of: count) { share in
                            for i in share {
                                counts[i] += 1
                                lastStep[i] = step
                            }
                        }
                        if lastStep.allSatisfy({ $0 == step }) { complete += 1 }
                    }
                }
            }
            #expect(counts == [Int](repeating: steps, count: count), "\(count) on \(threads) threads")
            #expect(complete == steps, "every share's write of a step is visible when the call returns")
        }
    }

    @Test func workersTakeShares() {
        // Shares are claimed, so the caller may run them all when a worker is slow to wake; a share that
        // sleeps leaves the worker time (and a core) to claim the other.
        let pool = ComputePool(threads: 2)
        var threads = Set<UInt>()
        let lock = NSLock()
        for _ in 0..<20 {
            pool.forEachShare(of: 2) { _ in
                usleep(1_000)
                lock.withLock { _ = threads.insert(UInt(pthread_self())) }
            }
        }
        #expect(threads.count == 2)
    }

    @Test func sharesCoverTheRangeWithoutOverlap() {
        for count in [0, 1, 2, 197, 1576] {
            let shares = (0..<3).map { ComputePool.share(of: count, part: $0, parts: 3) }
            #expect(shares.map(\.count).reduce(0, +) == count)
            #expect(shares[0].lowerBound == 0 && shares[2].upperBound == count)
            #expect(shares[0].upperBound == shares[1].lowerBound && shares[1].upperBound == shares[2].lowerBound)
            #expect(shares.allSatisfy { $0.count >= count / 3 && $0.count <= count / 3 + 1 })
        }
    }

    @Test func creatingAPoolMakesOpenBLASSingleThreaded() {
        openblas_set_num_threads(2)
        _ = ComputePool(threads: 2)
        #expect(openblas_get_num_threads() == 1)
    }

    /// y = act(x·Wᵀ + b + y₀) over `rows` rows, W (outputs, inputs), in double precision.
    static func reference(x: [Float], w: [Float], bias: [Float], initial: [Float], rows: Int, outputs: Int, inputs: Int,
                          stride: Int, activation: loom_activation) -> [Float] {
        (0..<rows).flatMap { r in
            (0..<outputs).map { o in
                var sum = Double(bias[o]) + Double(initial[r * stride + o])
                for i in 0..<inputs { sum += Double(x[r * inputs + i]) * Double(w[o * inputs + i]) }
                return VisionGEMMTests.ggmlActivation(Float(sum), activation)
            }
        }
    }

    @Test(arguments: VisionGEMM.allCases.filter(\.isAvailable))
    func linearLayerSplitsItsRowsOverAnyPool(gemm: VisionGEMM) {
        // 45 outputs: shares of uneven width, and a last panel the AVX-512 kernel fills partly.
        let (rows, outputs, inputs, stride) = (19, 45, 70, 48)
        let x = VisionGEMMTests.randomFloats(rows * inputs, seed: 11), w = VisionGEMMTests.randomFloats(outputs * inputs, seed: 12)
        let bias = VisionGEMMTests.randomFloats(outputs, seed: 13), initial = VisionGEMMTests.randomFloats(rows * stride, seed: 14)
        let layer = LinearLayer(rowMajor: w, outputs: outputs, inputs: inputs, bias: bias, gemm: gemm)
        let expected = Self.reference(x: x, w: w, bias: bias, initial: initial, rows: rows, outputs: outputs, inputs: inputs,
                                      stride: stride, activation: LOOM_ACT_GELU_QUICK)
        for threads in [1, 2, 3] {
            let input = AlignedFloats(x), output = AlignedFloats(initial)
            for r in 0..<rows { (output.base + r * stride + outputs).update(repeating: .nan, count: stride - outputs) }
            layer.apply(MatrixView(base: input.base, stride: inputs), rows: rows, into: MatrixView(base: output.base, stride: stride),
                        accumulate: true, activation: LOOM_ACT_GELU_QUICK, pool: ComputePool(threads: threads))
            let y = (0..<rows).map { Array(UnsafeBufferPointer(start: output.base + $0 * stride, count: stride)) }
            let worst = zip(y.flatMap { $0.prefix(outputs) }, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .nan
            #expect(worst <= 4e-3, "\(gemm) on \(threads) threads: worst relative difference \(worst)")
            #expect(y.allSatisfy { $0.suffix(stride - outputs).allSatisfy(\.isNaN) }, "columns past the outputs untouched")
        }
    }

    @Test(arguments: VisionGEMM.allCases.filter(\.isAvailable))
    func towerGivesTheSameEmbeddingsOnAnyPool(gemm: VisionGEMM) throws {
        let path = VisionReferenceTests.mmprojPath
        let one = try VisionEncoder(path: path, pool: ComputePool(threads: 1), maxBatch: 4, gemm: gemm)
        let inputs = try VisionReferenceTests.inputs(one, VisionReferenceTests.cases())
        let alone = try one.encode(inputs)
        for threads in [2, 3] {
            let split = try VisionEncoder(path: path, pool: ComputePool(threads: threads), maxBatch: 4, gemm: gemm).encode(inputs)
            // Loom's kernel gives each entry the same bits whatever the split; OpenBLAS's edge kernels may
            // differ in the last bit, which the half-precision GELU tables can widen to a half-precision step.
            let tolerance = gemm == .avx512 ? 0 : 1e-4
            for (a, b) in zip(alone, split) {
                #expect(VisionReferenceTests.relativeError(b, a) <= tolerance, "\(gemm) on \(threads) threads")
            }
        }
    }
}
