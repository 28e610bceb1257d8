import CKernels
import COpenBLAS
import Synchronization

/// Matrix products y = x · Wᵀ over a batch of activation rows: `y[b][r] = Σ_k W[r][k] · x[b][k]`,
/// x (batch, cols) and y (batch, rows) row-major f32, W a `WeightMatrix` (rows, cols).
///
/// Every linear layer of a step runs as one product over all the step's tokens, so the weights are
/// read once per step. Output rows are split over the pool's threads. Scratch is allocated once, for
/// at most `maxBatch` activation rows of at most `maxCols` values: a product allocates nothing.
///
/// OpenBLAS runs single-threaded (`ComputePool` sets it): the pool's threads call sgemm on their own tiles.
/// Products through one context run one at a time (a second caller waits).
public final class MatmulContext: @unchecked Sendable {
    public let pool: ComputePool
    public let maxBatch: Int
    public let maxCols: Int
    public let isa: KernelISA
    /// How the integer products add (`.fast` by default).
    public let arithmetic: Arithmetic

    private let activations: UnsafeMutableRawPointer  // quantized x: (maxBatch, maxCols) int8 + scales
    private let panels: UnsafeMutableRawPointer       // (threads) unpacked weights of 16 rows
    private let panelBytes: Int
    private let tiles: UnsafeMutablePointer<Float>     // (threads, tileRows, maxCols) f32 weights for sgemm
    private let tileRows: Int
    private let busy = Mutex(())

    static let int8Types: [GGMLType] = GGMLType.allCases.filter { ck_has_int8_kernel(Int32($0.rawValue)) != 0 }

    public init(pool: ComputePool, maxBatch: Int, maxCols: Int, isa: KernelISA = .best, arithmetic: Arithmetic = .fast) {
        precondition(maxBatch > 0 && maxCols > 0, "a matmul context needs room for at least one row")
        self.pool = pool
        self.maxBatch = maxBatch
        self.maxCols = maxCols
        self.isa = min(isa, .best)
        self.arithmetic = arithmetic
        let cols = (maxCols + 255) / 256 * 256
        let actBytes = Self.int8Types.map { ck_act_bytes(Int32($0.rawValue), arithmetic.kernelValue, Int32(maxBatch), Int32(cols)) }.max() ?? 0
        let panel = Self.int8Types.map { ck_panel_bytes(Int32($0.rawValue), Int32(cols)) }.max() ?? 0
        panelBytes = (panel + 63) / 64 * 64
        activations = .allocate(byteCount: actBytes, alignment: 64)
        panels = .allocate(byteCount: panelBytes * pool.threadCount, alignment: 64)
        tileRows = max(16, min(128, (1 << 20) / (4 * maxCols)) / 16 * 16)
        tiles = .allocate(capacity: pool.threadCount * tileRows * maxCols)
    }

    deinit {
        activations.deallocate()
        panels.deallocate()
        tiles.deallocate()
    }

    /// y = x · Wᵀ for `batch` rows. x rows are `ldx` floats apart (default `w.cols`), y rows `ldy`
    /// (default `w.rows`; larger to write into a slice of a wider matrix).
    public func multiply(_ w: WeightMatrix, _ x: UnsafePointer<Float>, batch: Int, into y: UnsafeMutablePointer<Float>,
                         ldx: Int? = nil, ldy: Int? = nil, path: MatmulPath = .automatic) {
        withUnsafePointer(to: MatmulTarget(w, into: y, ldy: ldy)) { target in
            multiply(x, batch: batch, ldx: ldx, targets: UnsafeBufferPointer(start: target, count: 1), path: path)
        }
    }

    /// Several products of one input, such as Q, K and V, or gate and up: x is quantized once for
    /// all targets whose weight types share an activation format, and their rows are split over
    /// the threads in one parallel call. Every target must have the same `cols`.
    public func multiply(_ x: UnsafePointer<Float>, batch: Int, ldx: Int? = nil, into targets: [MatmulTarget],
                         path: MatmulPath = .automatic) {
        targets.withUnsafeBufferPointer { multiply(x, batch: batch, ldx: ldx, targets: $0, path: path) }
    }

    /// The path a product will take.
    public func resolve(_ path: MatmulPath, _ type: GGMLType) -> MatmulPath {
        let quantized = ck_has_int8_kernel(Int32(type.rawValue)) != 0
        switch path {
        case .automatic, .int8, .float:
            if quantized { return .int8 }
            return loom_float_rows_supported(Int32(type.rawValue)) != 0 ? .float : .sgemm
        case .sgemm: return .sgemm
        }
    }

    private func multiply(_ x: UnsafePointer<Float>, batch: Int, ldx: Int?, targets: UnsafeBufferPointer<MatmulTarget>,
                          path: MatmulPath) {
        guard let cols = targets.first?.weights.cols else { return }
        let ldx = ldx ?? cols
        precondition(batch >= 0 && batch <= maxBatch, "batch \(batch) exceeds the context's \(maxBatch)")
        precondition(cols <= maxCols, "\(cols) columns exceed the context's \(maxCols)")
        precondition(targets.allSatisfy { $0.weights.cols == cols }, "products of one input need the same columns")
        precondition(ldx >= cols, "leading dimension smaller than a row")
        guard batch > 0 else { return }
        busy.withLock { _ in
            // Runs of consecutive targets that share an activation format go together.
            var start = 0
            while start < targets.count {
                let format = activationFormat(targets[start], path)
                var end = start + 1
                while end < targets.count, format != 0, activationFormat(targets[end], path) == format { end += 1 }
                let run = UnsafeBufferPointer(rebasing: targets[start..<end])
                let target = run[0]
                switch resolve(path, target.weights.type) {
                case .int8: multiplyInt8(run, x, batch: batch, ldx: ldx)
                case .float: multiplyFloat(target.weights, x, batch: batch, target.output, ldx: ldx, ldy: target.ldy)
                default: multiplySgemm(target.weights, x, batch: batch, target.output, ldx: ldx, ldy: target.ldy)
                }
                start = end
            }
        }
    }

    /// The activation format of a target on the integer path, 0 for the others.
    private func activationFormat(_ target: MatmulTarget, _ path: MatmulPath) -> Int32 {
        resolve(path, target.weights.type) == .int8 ? ck_act_format(Int32(target.weights.type.rawValue), arithmetic.kernelValue) : 0
    }

    // MARK: The integer path

    /// Products whose weights share an activation format (and `cols`).
    private func multiplyInt8(_ targets: UnsafeBufferPointer<MatmulTarget>, _ x: UnsafePointer<Float>, batch: Int, ldx: Int) {
        let first = targets[0].weights
        let type = Int32(first.type.rawValue), isa = Int32(isa.rawValue), cols = Int32(first.cols)
        let arithmetic = arithmetic.kernelValue
        let acts = activations, panels = panels, panelBytes = panelBytes
        // Quantize x once for all output rows; on all threads once it takes a few microseconds.
        let parts = batch * first.cols >= 8192 ? min(batch, pool.threadCount * 2) : 1
        pool.parallelFor(parts) { part in
            let b0 = part * batch / parts, b1 = (part + 1) * batch / parts
            ck_quantize_acts(isa, type, arithmetic, x, ldx, cols, Int32(b0), Int32(b1), Int32(batch), acts)
        }
        // Tasks of whole 16-row panels, several per thread so that a slow thread takes fewer, each
        // target getting a share of them by its number of panels.
        let groups = targets.reduce(0) { $0 + ($1.weights.rows + 15) / 16 }
        let perTask = max(1, groups / (pool.threadCount * 4))
        let tasks = targets.reduce(0) { $0 + (($1.weights.rows + 15) / 16 + perTask - 1) / perTask }
        pool.parallelFor(tasks) { task, thread in
            var task = task, index = 0
            while true {
                let count = ((targets[index].weights.rows + 15) / 16 + perTask - 1) / perTask
                if task < count { break }
                task -= count
                index += 1
            }
            let target = targets[index], w = target.weights
            let r0 = task * perTask * 16, r1 = min(r0 + perTask * 16, w.rows)
            ck_matmul_rows(isa, Int32(w.type.rawValue), arithmetic, w.data, w.rowBytes, cols, Int32(r0), Int32(r1), acts,
                           Int32(batch), target.output, target.ldy, panels + thread * panelBytes)
        }
    }

    // MARK: The float path

    /// Tasks of whole 16-row groups, several per thread, each row computed by one task.
    private func multiplyFloat(_ w: WeightMatrix, _ x: UnsafePointer<Float>, batch: Int, _ y: UnsafeMutablePointer<Float>,
                               ldx: Int, ldy: Int) {
        let groups = (w.rows + 15) / 16
        let perTask = max(1, groups / (pool.threadCount * 4))
        let tasks = (groups + perTask - 1) / perTask
        let type = Int32(w.type.rawValue), portable: Int32 = isa < .avx512 ? 1 : 0
        pool.parallelFor(tasks) { task in
            let r0 = task * perTask * 16, r1 = min(r0 + perTask * 16, w.rows)
            loom_float_rows(type, w.data, w.rowBytes, Int32(w.cols), Int32(r0), Int32(r1), x, ldx, Int32(batch), y, ldy, portable)
        }
    }

    // MARK: The sgemm path

    private func multiplySgemm(_ w: WeightMatrix, _ x: UnsafePointer<Float>, batch: Int, _ y: UnsafeMutablePointer<Float>,
                               ldx: Int, ldy: Int) {
        let inPlace = w.type == .f32
        let rowsPerTask = inPlace ? max(16, (w.rows + 4 * pool.threadCount - 1) / (4 * pool.threadCount)) : tileRows
        let tasks = (w.rows + rowsPerTask - 1) / rowsPerTask
        let tiles = tiles, tileFloats = tileRows * maxCols
        pool.parallelFor(tasks) { task, thread in
            let r0 = task * rowsPerTask, n = min(rowsPerTask, w.rows - r0)
            let source = w.data + r0 * w.rowBytes
            let weights: UnsafePointer<Float>
            if inPlace {
                weights = source.assumingMemoryBound(to: Float.self)
            } else {
                let tile = tiles + thread * tileFloats
                Dequantize.values(w.type, from: source, count: n * w.cols, into: tile)
                weights = UnsafePointer(tile)
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(batch), Int32(n), Int32(w.cols), 1,
                        x, Int32(ldx), weights, Int32(w.cols), 0, y + r0, Int32(ldy))
        }
    }
}
