#if canImport(Glibc)
import Glibc
#endif

/// Zero-initialised floats in 64-byte-aligned memory that this object owns: whole cache lines, and the
/// alignment the AVX-512 kernel's aligned loads of packed weights need. Large buffers (weights, scratch)
/// ask for 2 MiB pages: the GEMM walks megabytes of them, and fewer TLB misses are worth a few percent.
final class AlignedFloats {
    let count: Int
    let base: UnsafeMutablePointer<Float>

    private static let hugePage = 2 << 20

    init(count: Int) {
        self.count = count
        let bytes = max(count, 1) * MemoryLayout<Float>.size
        let huge = bytes >= 2 * Self.hugePage
        let alignment = huge ? Self.hugePage : 64
        let rounded = (bytes + alignment - 1) / alignment * alignment
        let raw = UnsafeMutableRawPointer.allocate(byteCount: rounded, alignment: alignment)
        #if canImport(Glibc)
        if huge { _ = madvise(raw, rounded, MADV_HUGEPAGE) }  // advice only: failure changes nothing
        #endif
        base = raw.initializeMemory(as: Float.self, repeating: 0, count: rounded / MemoryLayout<Float>.size)
    }

    convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { base.deallocate() }
}
