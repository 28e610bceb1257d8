// Small vector helpers the decoder runs between its matrix products; the row-wise steps whose rounding
// must be llama.cpp's (normalisation, rotary embedding, activation, attention) are C kernels in CKernels.
import CKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always)
func add(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, n: Int) {
    for i in 0..<n { x[i] += y[i] }
}

/// Rotary position embedding, LLaMA style: adjacent pairs (x[2i], x[2i+1]) of each head's first
/// `ropeDim` dimensions rotate by position · base^(−2i/ropeDim). (GGUF stores q/k permuted from the
/// Hugging Face layout so that pairs are adjacent.)
struct RotaryTable {
    let ropeDim: Int
    /// (positions, ropeDim / 2) cos and sin.
    let cosines: [Float]
    let sines: [Float]

    init(ropeDim: Int, base: Float, positions: Int) {
        self.ropeDim = ropeDim
        let half = ropeDim / 2
        var c = [Float](repeating: 0, count: positions * half)
        var s = c
        // As llama.cpp computes it, in single precision: θ_i = p · s^i with s = base^(−2/ropeDim), the
        // power taken by repeated multiplication. Matching its rounding keeps greedy tokens identical.
        let thetaScale = powf(base, -2 / Float(ropeDim))
        for p in 0..<positions {
            var theta = Float(p)
            for i in 0..<half {
                c[p * half + i] = cosf(theta)
                s[p * half + i] = sinf(theta)
                theta *= thetaScale
            }
        }
        cosines = c
        sines = s
    }

    /// Rotates `heads` heads of size `headDim` starting at `x`, at `position`.
    @inline(__always)
    func apply(_ x: UnsafeMutablePointer<Float>, heads: Int, headDim: Int, position: Int) {
        let half = ropeDim / 2
        cosines.withUnsafeBufferPointer { c in
            sines.withUnsafeBufferPointer { s in
                loom_rope(x, Int32(heads), Int32(headDim), Int32(ropeDim), c.baseAddress! + position * half, s.baseAddress! + position * half)
            }
        }
    }
}
