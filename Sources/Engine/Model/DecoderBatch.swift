/// One step's input to the decoder: a flat list of tokens that belong to many sequences, each at its
/// own position — prefill chunks and single decode tokens mixed. Reused from step to step
/// (`removeAll` keeps capacity), so building it allocates nothing once warm.
public struct DecoderBatch: Sendable {
    /// Token id per entry, or `-1 - row` when the entry's input is row `row` of `embeddings`
    /// (an image position).
    public private(set) var inputs: [Int32] = []
    /// Position of each entry within its sequence.
    public private(set) var positions: [Int32] = []
    /// KV-cache sequence slot of each entry.
    public private(set) var slots: [Int32] = []
    /// Prompt length of each entry's sequence. It decides how the entry's attention sums, as llama.cpp
    /// would running the sequence alone: the positions of a prompt of two or more tokens as one batch,
    /// the others one token at a time. So a sequence's numbers are the same however its prompt is
    /// chunked, whatever else is in the batch, and when it is recomputed after preemption.
    public private(set) var promptLengths: [Int32] = []
    /// Entries whose logits are wanted, in the order the logits come back.
    public private(set) var logitEntries: [Int32] = []
    /// Input embeddings for image positions: (rows, dim), row-major.
    public private(set) var embeddings: [Float] = []

    public init() {}

    public var count: Int { inputs.count }
    public var isEmpty: Bool { inputs.isEmpty }

    public mutating func removeAll() {
        inputs.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
        slots.removeAll(keepingCapacity: true)
        promptLengths.removeAll(keepingCapacity: true)
        logitEntries.removeAll(keepingCapacity: true)
        embeddings.removeAll(keepingCapacity: true)
    }

    public mutating func append(token: Int32, position: Int, slot: Int, promptLength: Int, logits: Bool = false) {
        if logits { logitEntries.append(Int32(inputs.count)) }
        inputs.append(token)
        appendPlace(position: position, slot: slot, promptLength: promptLength)
    }

    /// Appends one position whose input is an embedding row (of the model's width) instead of a token.
    public mutating func append<C: Collection>(embedding: C, position: Int, slot: Int, promptLength: Int, logits: Bool = false)
    where C.Element == Float {
        let row = embeddings.count / max(embedding.count, 1)
        embeddings.append(contentsOf: embedding)
        if logits { logitEntries.append(Int32(inputs.count)) }
        inputs.append(-1 - Int32(row))
        appendPlace(position: position, slot: slot, promptLength: promptLength)
    }

    private mutating func appendPlace(position: Int, slot: Int, promptLength: Int) {
        positions.append(Int32(position))
        slots.append(Int32(slot))
        promptLengths.append(Int32(promptLength))
    }
}

extension DecoderBatch {
    /// The entries cut into runs of at most `limit` consecutive positions of one slot, in order: a
    /// prompt chunk gives runs of `limit`, each decode token a run of its own.
    func positionRuns(upTo limit: Int) -> [Range<Int>] {
        guard count > 0 else { return [] }
        var runs: [Range<Int>] = []
        var start = 0
        for i in 1...count {
            let continues = i < count && i - start < limit && slots[i] == slots[i - 1] && positions[i] == positions[i - 1] + 1
            if !continues {
                runs.append(start..<i)
                start = i
            }
        }
        return runs
    }
}
