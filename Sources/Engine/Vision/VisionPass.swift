/// How far a batch of images has got through the tower, and what the rest costs.
///
/// The tower is cut into stages, each a sweep over units that can run in any grouping with the same
/// bits: rows (positions of all the pass's images) for the embedding, each block's attention input
/// (layer norm, Q, K, V) and its MLP (output projection, layer norm, FFN), and the projector; and
/// (image, head) pairs for each block's attention, which needs every row's Q, K and V first. A
/// slice is a run of consecutive units of one stage, so a step can stop anywhere and the images'
/// numbers do not depend on where it stopped.
struct VisionPass {
    enum Stage: Equatable {
        /// Patch embedding, class and position embeddings, pre-layer-norm.
        case embed
        /// Layer norm 1 and the Q, K, V product of block `layer`.
        case attentionInput(layer: Int)
        /// Block `layer`'s attention, one (image, head) pair a unit.
        case attention(layer: Int)
        /// Output projection, layer norm 2 and the MLP of block `layer`.
        case mlp(layer: Int)
        /// The projector, mm.0 → GELU → mm.2.
        case project
        case done

        /// Stages whose arithmetic runs at one speed: `VisionEncoder` learns each kind's.
        var kind: Int {
            switch self {
            case .embed: 0
            case .attentionInput: 1
            case .attention: 2
            case .mlp: 3
            case .project, .done: 4
            }
        }
        static let kinds = 5
    }

    let config: VisionConfig
    let imageCount: Int
    private(set) var stage = Stage.embed
    /// The next unit of `stage` to run.
    private(set) var next = 0

    init(config: VisionConfig, imageCount: Int) {
        self.config = config
        self.imageCount = imageCount
    }

    var isDone: Bool { stage == .done }

    /// Units of a stage: rows, or (image, head) pairs.
    func units(_ stage: Stage) -> Int {
        switch stage {
        case .attention: imageCount * config.heads
        case .done: 0
        default: imageCount * config.positions
        }
    }

    /// Floating-point operations of one unit of a stage (multiply-adds count two).
    func flopsPerUnit(_ stage: Stage) -> Double {
        let c = config, h = Double(c.hidden)
        switch stage {
        case .embed: return 2 * Double(c.patchValues) * h
        case .attentionInput: return 2 * h * 3 * h
        case .attention: return 4 * Double(c.positions * c.positions * c.headDim)
        case .mlp: return 2 * h * h + 4 * h * Double(c.ffnDim)
        case .project: return 2 * h * Double(c.projectorHidden) + 2 * Double(c.projectorHidden * c.projectionDim)
        case .done: return 0
        }
    }

    /// Work left, from the cursor to the end of the projector.
    var remainingFlops: Double {
        var total = Double(units(stage) - next) * flopsPerUnit(stage)
        var s = stage
        while let following = following(s) {
            total += Double(units(following)) * flopsPerUnit(following)
            s = following
        }
        return total
    }

    /// The whole tower's work for `imageCount` images.
    static func flops(config: VisionConfig, imageCount: Int) -> Double {
        VisionPass(config: config, imageCount: imageCount).remainingFlops
    }

    /// The next slice for a budget of `flops`: as many units of the current stage as it pays for, at
    /// least one (row stages: a multiple of 16 rows, at least 16, unless the stage ends sooner).
    func nextSlice(flops: Double) -> Range<Int> {
        let left = units(stage) - next
        guard left > 0 else { return next..<next }
        let affordable = flops / flopsPerUnit(stage)
        guard affordable < Double(left) else { return next..<(next + left) }
        var count = max(Int(affordable), 1)
        if case .attention = stage {} else { count = max(count / 16 * 16, 16) }
        return next..<(next + min(count, left))
    }

    /// Records that `slice` ran; moves to the next stage when this one is complete.
    mutating func complete(_ slice: Range<Int>) {
        precondition(slice.lowerBound == next && slice.upperBound <= units(stage), "slices run in order")
        next = slice.upperBound
        if next == units(stage) {
            stage = following(stage) ?? .done
            next = 0
        }
    }

    private func following(_ stage: Stage) -> Stage? {
        let last = config.layersRun - 1
        switch stage {
        case .embed: return last >= 0 ? .attentionInput(layer: 0) : .project
        case .attentionInput(let layer): return .attention(layer: layer)
        case .attention(let layer): return .mlp(layer: layer)
        case .mlp(let layer): return layer < last ? .attentionInput(layer: layer + 1) : .project
        case .project: return .done
        case .done: return nil
        }
    }
}
