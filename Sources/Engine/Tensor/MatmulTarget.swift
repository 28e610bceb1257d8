/// One product of a group that shares its input: `output` = x · `weights`ᵀ, rows of `output`
/// `ldy` floats apart (default `weights.rows`).
///
/// Holds a pointer to the caller's buffer: build the group once (say, per layer: Q, K and V), use
/// it for every step.
public struct MatmulTarget {
    public let weights: WeightMatrix
    public let output: UnsafeMutablePointer<Float>
    public let ldy: Int

    public init(_ weights: WeightMatrix, into output: UnsafeMutablePointer<Float>, ldy: Int? = nil) {
        precondition((ldy ?? weights.rows) >= weights.rows, "leading dimension smaller than a row")
        self.weights = weights
        self.output = output
        self.ldy = ldy ?? weights.rows
    }
}
