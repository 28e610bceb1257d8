// INTERIM: stands in for the kernels in Tensor/ until they land; deleted then.
import COpenBLAS
import Dispatch

public struct WeightMatrix: @unchecked Sendable {
    public let rows: Int
    public let cols: Int
    let f32: UnsafeMutablePointer<Float>

    public init(gguf: GGUFFile, name: String) throws(GGUFError) {
        let info = try gguf.tensor(name)
        cols = info.rowLength
        rows = info.rowCount
        f32 = .allocate(capacity: rows * cols)
        let src = gguf.data(info)
        let n = rows * cols
        switch info.type {
        case .f32:
            f32.update(from: src.assumingMemoryBound(to: Float.self), count: n)
        case .q8_0:
            for b in 0..<n / 32 {
                let blk = src + b * 34
                let d = Float(Float16(bitPattern: blk.loadUnaligned(as: UInt16.self)))
                for j in 0..<32 { f32[b * 32 + j] = d * Float(blk.load(fromByteOffset: 2 + j, as: Int8.self)) }
            }
        case .q4_1:
            for b in 0..<n / 32 {
                let blk = src + b * 20
                let d = Float(Float16(bitPattern: blk.loadUnaligned(as: UInt16.self)))
                let m = Float(Float16(bitPattern: blk.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
                for j in 0..<16 {
                    let q = blk.load(fromByteOffset: 4 + j, as: UInt8.self)
                    f32[b * 32 + j] = Float(q & 15) * d + m
                    f32[b * 32 + j + 16] = Float(q >> 4) * d + m
                }
            }
        default:
            throw GGUFError(gguf.path, "interim: \(info.type) unsupported")
        }
    }

    public func dequantizeRow(_ row: Int, into out: UnsafeMutablePointer<Float>) {
        out.update(from: f32 + row * cols, count: cols)
    }
}

public final class ComputePool: Sendable {
    public let threadCount: Int
    public init(threads: Int) { threadCount = threads; openblas_set_num_threads(Int32(threads)) }
    public func parallelFor(_ count: Int, _ body: @Sendable (Int) -> Void) {
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }
}

/// y (batch, rows) = x (batch, cols) · Wᵀ
func matmul(_ w: WeightMatrix, _ x: UnsafePointer<Float>, batch: Int, _ y: UnsafeMutablePointer<Float>, pool: ComputePool) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(batch), Int32(w.rows), Int32(w.cols), 1,
                x, Int32(w.cols), w.f32, Int32(w.cols), 0, y, Int32(w.rows))
}
