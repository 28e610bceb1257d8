import CKernels

/// The instruction set the integer matrix kernels use; the best one the CPU supports unless a test
/// asks for another. A request above what the CPU has runs the best it has.
public enum KernelISA: Int, Sendable, CaseIterable, Comparable {
    /// Portable C.
    case scalar = 0
    /// AVX2 + FMA + F16C: `vpmaddubsw` + `vpmaddwd`.
    case avx2 = 1
    /// AVX-512 F/BW/VL/DQ with VNNI: `vpdpbusd`.
    case avx512 = 2

    public static let best = KernelISA(rawValue: Int(ck_best_isa())) ?? .scalar

    /// Whether this CPU can run it.
    public var isSupported: Bool { self <= Self.best }

    public static func < (a: KernelISA, b: KernelISA) -> Bool { a.rawValue < b.rawValue }
}
