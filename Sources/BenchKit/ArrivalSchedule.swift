import Foundation
import LoomProtocol

/// Gaps between request arrivals for an open loop, as vLLM's benchmark_serving draws them: gamma
/// distributed with shape `burstiness` and mean 1 / `rate`. Burstiness 1 is a Poisson process;
/// below 1 arrivals bunch up, above 1 they even out.
public struct ArrivalSchedule: Sendable {
    public let rate: Double
    public let burstiness: Double
    private var random: SplitMix64

    public init(rate: Double, burstiness: Double, seed: UInt64) {
        self.rate = rate
        self.burstiness = burstiness
        random = SplitMix64(seed: seed ^ 0xA5A5_5A5A_0F0F_F0F0)
    }

    /// The wait before the next arrival, in seconds.
    public mutating func nextGap() -> Double {
        gamma(shape: burstiness) / (rate * burstiness)
    }

    /// A Gamma(shape, 1) draw: Marsaglia and Tsang's method, boosted for shapes below 1.
    private mutating func gamma(shape: Double) -> Double {
        if shape < 1 {
            return gamma(shape: shape + 1) * pow(random.unitInterval(), 1 / shape)
        }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = random.unitInterval()
            if log(u) < 0.5 * x * x + d - d * v + d * log(v) { return d * v }
        }
    }

    /// A standard normal draw (Box–Muller).
    private mutating func normal() -> Double {
        (-2 * log(random.unitInterval())).squareRoot() * cos(2 * .pi * random.unitInterval())
    }
}
