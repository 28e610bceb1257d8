/// Learns `StepCost` from the steps the executor times: recursive least squares over the three terms
/// of a step (items, logit rows, attended positions), each measured as a multiple of a first guess from
/// the model's shape, with old steps slowly forgotten so that the estimate follows the machine's load.
///
/// Why learn it: how much slower attention is than the weights' arithmetic per operation depends on
/// the instruction set, the KV's type and the caches, well beyond what the model's shape tells.
struct StepCostEstimator {
    private let guess: StepCost
    /// The current multiples of `guess`'s three terms.
    private var scale: SIMD3<Double> = .one
    /// The estimate's covariance, row by row.
    private var covariance: [SIMD3<Double>] = [SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)]
    /// How much each step's weight decays with every later one.
    private let forgetting = 0.98

    init(guess: StepCost) { self.guess = guess }

    /// The cost model to plan with: no term below a tenth of its guess, so one odd timing cannot make
    /// steps unbounded.
    var current: StepCost {
        let s = pointwiseMax(scale, SIMD3(repeating: 0.1))
        return StepCost(perItem: guess.perItem * s.x, perLogitRow: guess.perLogitRow * s.y,
                        perAttendedPosition: guess.perAttendedPosition * s.z)
    }

    /// Adds one timed step: `items` fed, of which `logitRows` wanted logits, attending to
    /// `attendedPositions` positions in all, in `seconds`.
    mutating func record(items: Int, logitRows: Int, attendedPositions: Double, seconds: Double) {
        guard items > 0, seconds.isFinite, seconds > 0 else { return }
        let x = SIMD3(Double(items) * guess.perItem, Double(logitRows) * guess.perLogitRow,
                      attendedPositions * guess.perAttendedPosition)
        let px = SIMD3((covariance[0] * x).sum(), (covariance[1] * x).sum(), (covariance[2] * x).sum())
        let gain = px / (forgetting + (x * px).sum())
        scale += gain * (seconds - (x * scale).sum())
        // P = (P - k (P x)ᵀ) / λ; kept from growing without bound in a direction steps never vary.
        let shrink = covariance[0].x + covariance[1].y + covariance[2].z < 1e3 ? forgetting : 1
        covariance = covariance.indices.map { row in (covariance[row] - gain[row] * px) / shrink }
    }
}
