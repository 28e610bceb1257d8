import CKernels

/// Which matrix-product implementation the vision tower runs.
public enum VisionGEMM: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Loom's AVX-512 SGEMM (CKernels/gemm.c), weights packed into panels at load.
    case avx512
    /// OpenBLAS's `cblas_sgemm`, weights kept row-major.
    case openBLAS

    /// AVX-512 where the CPU has it (about twice OpenBLAS's AVX2 kernel here), else OpenBLAS.
    public static var best: VisionGEMM { avx512.isAvailable ? .avx512 : .openBLAS }

    public var isAvailable: Bool {
        switch self {
        case .avx512: loom_gemm_available() != 0
        case .openBLAS: true
        }
    }

    public var description: String { rawValue }
}
