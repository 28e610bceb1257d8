import Engine

/// What a step costs, in seconds: a part every step pays (`perStep`: starting the threads, sampling),
/// and for what it feeds, each item for the weights (`perItem`), each item that wants logits for the
/// output projection (`perLogitRow`), and each item for attending to every position up to its own
/// (`perAttendedPosition`). The last term is why a 512-item chunk at position 6,000 takes many times
/// what it takes at position 0: the scheduler sizes steps by this, not by items.
public struct StepCost: Sendable, Equatable {
    public var perStep: Double
    public var perItem: Double
    public var perLogitRow: Double
    public var perAttendedPosition: Double

    public init(perStep: Double = 0, perItem: Double, perLogitRow: Double, perAttendedPosition: Double) {
        self.perStep = perStep
        self.perItem = perItem
        self.perLogitRow = perLogitRow
        self.perAttendedPosition = perAttendedPosition
    }

    /// Positions attended to by `count` items that follow `start` computed ones: item `start + i`
    /// attends to `start + i + 1` positions.
    public static func attendedPositions(count: Int, after start: Int) -> Double {
        let n = Double(count)
        return n * Double(start) + n * (n + 1) / 2
    }

    /// Seconds to feed `count` items after `start` computed ones, beside `perStep`.
    public func of(count: Int, after start: Int, logits: Bool) -> Double {
        guard count > 0 else { return 0 }
        return Double(count) * perItem + (logits ? perLogitRow : 0)
            + perAttendedPosition * Self.attendedPositions(count: count, after: start)
    }

    /// The most items, up to `limit`, that follow `start` and cost at most `budget` (the last of them
    /// counted with its logits, as a prompt's final chunk has).
    func items(within budget: Double, after start: Int, limit: Int) -> Int {
        guard limit > 0, of(count: 1, after: start, logits: true) <= budget else { return 0 }
        var (low, high) = (1, limit)  // of(low) fits; the answer is in low...high
        while low < high {
            let middle = (low + high + 1) / 2
            if of(count: middle, after: start, logits: true) <= budget { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// A first guess from the model's shape, before any step was timed: the weights' arithmetic at
    /// `flopsPerSecond` (what integer dot products reach on two AVX-512 cores), and attention at a
    /// quarter of that per operation (it reads the KV rather than reusing loaded weights). The
    /// executor corrects it from every step it times.
    public static func estimate(for config: LlamaConfig, flopsPerSecond: Double = 2e11) -> StepCost {
        let layerWeights = config.dim * (2 * config.heads * config.headDim + 2 * config.kvDim + 3 * config.ffnDim)
        return StepCost(
            perStep: 1e-3, perItem: 2 * Double(config.layers * layerWeights) / flopsPerSecond,
            perLogitRow: 2 * Double(config.dim * config.vocabSize) / flopsPerSecond,
            perAttendedPosition: 4 * Double(config.layers * config.heads * config.headDim) / (flopsPerSecond / 4))
    }
}
