/// Learns `StepCost` from the steps the executor times: recursive least squares over the four terms
/// of a step (itself, items, logit rows, attended positions), each measured as a multiple of a first guess from
/// the model's shape, with old steps slowly forgotten so that the estimate follows the machine's load.
///
/// Why learn it: how much slower attention is than the weights' arithmetic per operation depends on
/// the instruction set, the KV's type and the caches, well beyond what the model's shape tells.
struct StepCostEstimator {
    private let guess: StepCost
    /// The current multiples of `guess`'s four terms.
    private var scale: SIMD4<Double> = .one
    /// The estimate's covariance, row by row.
    private var covariance: [SIMD4<Double>] = [SIMD4(1, 0, 0, 0), SIMD4(0, 1, 0, 0), SIMD4(0, 0, 1, 0), SIMD4(0, 0, 0, 1)]
    /// How much each step's weight decays with every later one.
    private let forgetting = 0.98

    init(guess: StepCost) { self.guess = guess }

    /// The cost model to plan with: no term below a hundredth of its guess, so one odd timing cannot
    /// make steps unbounded.
    var current: StepCost {
        let s = pointwiseMax(scale, SIMD4(repeating: 0.01))
        return StepCost(perStep: guess.perStep * s.x, perItem: guess.perItem * s.y, perLogitRow: guess.perLogitRow * s.z,
                        perAttendedPosition: guess.perAttendedPosition * s.w)
    }

    /// Adds one timed step: `items` fed, of which `logitRows` wanted logits, attending to
    /// `attendedPositions` positions in all, in `seconds`.
    mutating func record(items: Int, logitRows: Int, attendedPositions: Double, seconds: Double) {
        guard items > 0, seconds.isFinite, seconds > 0 else { return }
        // In milliseconds: a step's terms are then of order 1 to 100, like the multiples' uncertainty.
        let x = 1000 * SIMD4(guess.perStep, Double(items) * guess.perItem, Double(logitRows) * guess.perLogitRow,
                             attendedPositions * guess.perAttendedPosition)
        let px = SIMD4(covariance.map { ($0 * x).sum() })
        let gain = px / (forgetting + (x * px).sum())
        scale += gain * (1000 * seconds - (x * scale).sum())
        // P = (P - k (P x)ᵀ) / λ; kept from growing without bound in a direction steps never vary.
        let shrink = covariance[0].x + covariance[1].y + covariance[2].z + covariance[3].w < 1e3 ? forgetting : 1
        covariance = covariance.indices.map { row in (covariance[row] - gain[row] * px) / shrink }
    }
}
