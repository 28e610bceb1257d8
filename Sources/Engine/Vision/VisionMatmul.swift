/// What the tower's layers that read their weights where they lie in the file share: a `MatmulContext`
/// on the pool `apply` is given (made on first use, remade if another pool comes), and room for one
/// product that is then added to y. Rows go through in chunks of `chunkRows`: a row's result does not
/// depend on the rows beside it, so chunks change nothing but the scratch size.
final class VisionMatmul {
    static let chunkRows = 512
    private(set) var maxInputs = 0
    private(set) var maxOutputs = 0
    private var context: MatmulContext?
    private var scratch: AlignedFloats?

    /// Makes room for a layer of these dimensions.
    func reserve(inputs: Int, outputs: Int) {
        maxInputs = max(maxInputs, inputs)
        maxOutputs = max(maxOutputs, outputs)
    }

    func context(pool: ComputePool) -> MatmulContext {
        if let context, context.pool === pool, context.maxCols >= maxInputs { return context }
        let made = MatmulContext(pool: pool, maxBatch: Self.chunkRows, maxCols: maxInputs)
        context = made
        return made
    }

    /// (chunkRows, maxOutputs) floats.
    var product: AlignedFloats {
        if let scratch, scratch.count >= Self.chunkRows * maxOutputs { return scratch }
        let made = AlignedFloats(count: Self.chunkRows * maxOutputs)
        scratch = made
        return made
    }
}
