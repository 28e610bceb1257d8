// Small vector kernels the decoder runs between its matrix products. The matrix products themselves
// are in Tensor/; these are the row-wise pieces: normalisation, rotary embedding, activation, softmax.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// RMSNorm of each of `rows` rows of width `n`: out = x / sqrt(mean(x²) + eps) · weight.
@inline(__always)
func rmsNorm(_ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
             n: Int, eps: Float) {
    var sum: Double = 0  // llama.cpp sums in double
    for i in 0..<n { sum += Double(x[i] * x[i]) }
    let scale = 1 / (Float(sum / Double(n)) + eps).squareRoot()
    for i in 0..<n { out[i] = x[i] * scale * weight[i] }
}

@inline(__always)
func add(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, n: Int) {
    for i in 0..<n { x[i] += y[i] }
}

/// Dot product of two rows of length `n`.
@inline(__always)
func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var i = 0
    var acc = SIMD16<Float>()
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    while i + 16 <= n {
        let va = ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        let vb = rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        acc = acc.addingProduct(va, vb)
        i += 16
    }
    var sum = acc.sum()
    while i < n {
        sum += a[i] * b[i]
        i += 1
    }
    return sum
}

/// y += a · x over rows of length `n`.
@inline(__always)
func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    var i = 0
    let rx = UnsafeRawPointer(x), ry = UnsafeMutableRawPointer(y)
    let va = SIMD16<Float>(repeating: a)
    while i + 16 <= n {
        let vx = rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        let vy = ry.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        ry.storeBytes(of: vy.addingProduct(va, vx), toByteOffset: i * 4, as: SIMD16<Float>.self)
        i += 16
    }
    while i < n {
        y[i] += a * x[i]
        i += 1
    }
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
                let c = c.baseAddress! + position * half, s = s.baseAddress! + position * half
                for h in 0..<heads {
                    let v = x + h * headDim
                    for i in 0..<half {
                        let x0 = v[2 * i], x1 = v[2 * i + 1]
                        // One product rounded, the other fused: what llama.cpp's build makes of
                        // x0·cos − x1·sin (gcc contracts it into an FMA).
                        v[2 * i] = (-(x1 * s[i])).addingProduct(x0, c[i])
                        v[2 * i + 1] = (x1 * c[i]).addingProduct(x0, s[i])
                    }
                }
            }
        }
    }
}
