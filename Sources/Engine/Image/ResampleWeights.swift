/// The filter taps of Pillow's bicubic resampling along one axis, from `precompute_coeffs` and
/// `normalize_coeffs_8bpc` in libImaging/Resample.c, reproduced operation for operation (same double
/// arithmetic in the same order) so that the fixed-point weights, and so the pixels, are identical.
struct ResampleWeights {
    /// Bicubic convolution with a = −0.5 reaches two pixels each way.
    static let support = 2.0
    /// Pillow's PRECISION_BITS: 32 − 8 − 2 fractional bits.
    static let precisionBits: Int32 = 22

    /// Taps reserved per output position (Pillow's `ksize`).
    let taps: Int
    /// First input index read by each output position (`xmin`).
    let first: [Int]
    /// Inputs read by each output position (`xmax`, which Pillow stores as a count).
    let count: [Int]
    /// (output position, taps) weights with `precisionBits` fractional bits.
    let weights: [Int32]

    init(inputSize: Int, outputSize: Int) {
        // Pillow passes the box edge as a C float; converting keeps the arithmetic identical.
        let scale = Double(Float(inputSize)) / Double(outputSize)
        let filterScale = max(scale, 1.0)  // widened when downscaling: this is the antialiasing
        let support = Self.support * filterScale
        let inverseFilterScale = 1.0 / filterScale  // multiplied by, not divided by: as Pillow rounds
        taps = Int(support.rounded(.up)) * 2 + 1

        var first = [Int](repeating: 0, count: outputSize)
        var count = [Int](repeating: 0, count: outputSize)
        var weights = [Int32](repeating: 0, count: outputSize * taps)
        var row = [Double](repeating: 0, count: taps)
        for out in 0..<outputSize {
            let center = (Double(out) + 0.5) * scale
            let lowest = max(Int(center - support + 0.5), 0)
            let taken = min(Int(center + support + 0.5), inputSize) - lowest
            var sum = 0.0
            for tap in 0..<taken {
                let weight = Self.bicubic((Double(tap + lowest) - center + 0.5) * inverseFilterScale)
                row[tap] = weight
                sum += weight
            }
            for tap in 0..<taken {
                let normalised = sum != 0 ? row[tap] / sum : row[tap]
                weights[out * taps + tap] = Self.fixedPoint(normalised)
            }
            first[out] = lowest
            count[out] = taken
        }
        self.first = first
        self.count = count
        self.weights = weights
    }

    /// Pillow's `bicubic_filter` with a = −0.5, written in its operation order.
    static func bicubic(_ distance: Double) -> Double {
        let a = -0.5
        let x = abs(distance)
        if x < 1.0 { return ((a + 2.0) * x - (a + 3.0)) * x * x + 1 }
        if x < 2.0 { return (((x - 5) * x + 8) * x - 4) * a }
        return 0.0
    }

    /// Rounds half away from zero to `precisionBits` fractional bits, as `normalize_coeffs_8bpc`.
    static func fixedPoint(_ weight: Double) -> Int32 {
        let scaled = weight * Double(1 << precisionBits)
        return Int32(weight < 0 ? -0.5 + scaled : 0.5 + scaled)
    }

    /// A fixed-point sum back to a byte, clipped (Pillow's `clip8`).
    @inline(__always)
    static func clip8(_ sum: Int32) -> UInt8 {
        UInt8(clamping: sum >> precisionBits)
    }

    /// The rounding offset every sum starts from.
    static let half: Int32 = 1 << (precisionBits - 1)
}

/// The taps of one output position split by what they read on a canvas: a run of taps over the
/// content (an image pasted on the canvas) and the summed weight of the taps over the background.
/// Integer sums regroup exactly, so `background × backgroundWeight + Σ content` is Pillow's sum.
struct TapSpan {
    /// Index into `ResampleWeights.weights` of the first content tap.
    let weightIndex: Int
    /// Content position (0 = the content's first pixel) the first content tap reads.
    let contentStart: Int
    /// Content taps.
    let count: Int
    let backgroundWeight: Int32
}

extension ResampleWeights {
    /// Spans for content occupying `contentLength` input positions from `contentOffset` on.
    func spans(contentOffset: Int, contentLength: Int) -> [TapSpan] {
        (0..<first.count).map { out in
            let row = out * taps
            let start = max(first[out], contentOffset)
            let end = max(min(first[out] + count[out], contentOffset + contentLength), start)
            var backgroundWeight: Int32 = 0
            for tap in 0..<count[out] where !(start..<end).contains(first[out] + tap) {
                backgroundWeight &+= weights[row + tap]
            }
            return TapSpan(
                weightIndex: row + start - first[out], contentStart: start - contentOffset, count: end - start,
                backgroundWeight: backgroundWeight)
        }
    }
}
