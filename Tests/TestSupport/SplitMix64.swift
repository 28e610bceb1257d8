import Foundation
@_exported import struct LoomProtocol.SplitMix64

// Random test data from the shared seeded generator, so every random test is reproducible from its seed.
extension SplitMix64 {
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }

    /// A standard normal value (Box–Muller).
    public mutating func normal() -> Float {
        let u1 = unitInterval(), u2 = Double(next() >> 11) / Double(1 << 53)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
    }
}
