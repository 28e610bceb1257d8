/// The shape of a worker's KV pool: how many blocks of how many positions, and what a position costs.
/// One value decides it, and both the scheduler (which plans with block counts) and the `KVCache`
/// (which holds the blocks) are built from it, so the two cannot disagree on a size.
public struct KVLayout: Sendable, Equatable {
    /// Positions per block: vLLM's default, small enough that a sequence wastes little of its last block.
    public static let defaultBlockSize = 16

    public let blockSize: Int
    public let blockCount: Int
    /// Bytes one position takes: K and V of every layer, half precision.
    public let bytesPerToken: Int

    public init(blockSize: Int = defaultBlockSize, blockCount: Int, bytesPerToken: Int) throws(KVLayoutError) {
        for (name, value) in [("block size", blockSize), ("block count", blockCount), ("bytes per token", bytesPerToken)]
        where value < 1 {
            throw .notPositive(name, value)
        }
        self.blockSize = blockSize
        self.blockCount = blockCount
        self.bytesPerToken = bytesPerToken
    }

    /// As many blocks as `budgetBytes` holds for `model`'s layers and KV width.
    public init(model: LlamaConfig, budgetBytes: Int, blockSize: Int = defaultBlockSize) throws(KVLayoutError) {
        let perToken = Self.bytesPerToken(model)
        let blocks = budgetBytes / max(perToken * max(blockSize, 1), 1)
        guard blocks >= 1 else { throw .budgetBelowOneBlock(budgetBytes: budgetBytes, blockBytes: perToken * blockSize) }
        try self.init(blockSize: blockSize, blockCount: blocks, bytesPerToken: perToken)
    }

    /// Bytes one position of `model` takes in the cache.
    public static func bytesPerToken(_ model: LlamaConfig) -> Int {
        model.layers * 2 * model.kvDim * MemoryLayout<UInt16>.size
    }

    /// Blocks that hold positions `0..<tokens`.
    public func blocks(forTokens tokens: Int) -> Int { (tokens + blockSize - 1) / blockSize }

    /// Positions the whole pool holds.
    public var capacityTokens: Int { blockCount * blockSize }
    /// Memory of the whole pool.
    public var bytes: Int { blockCount * blockSize * bytesPerToken }
}

public enum KVLayoutError: Error, Sendable, Equatable, CustomStringConvertible {
    case notPositive(String, Int)
    case budgetBelowOneBlock(budgetBytes: Int, blockBytes: Int)
    /// A cache was asked to hold a layout made for another model.
    case modelMismatch(layoutBytesPerToken: Int, modelBytesPerToken: Int)
    /// The system would not reserve the pool's memory.
    case unmappable(bytes: Int)

    public var description: String {
        switch self {
        case .notPositive(let name, let value): "the KV \(name) must be at least 1, not \(value)"
        case .budgetBelowOneBlock(let budget, let block):
            "a KV budget of \(budget) bytes holds no block; one takes \(block) bytes"
        case .modelMismatch(let layout, let model):
            "the KV layout was made for \(layout) bytes per position; this model takes \(model)"
        case .unmappable(let bytes): "the system would not reserve \(bytes >> 20) MiB for the KV cache; give a smaller budget"
        }
    }
}
