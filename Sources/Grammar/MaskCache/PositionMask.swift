/// What the mask cache knows about one terminal position of the grammar (the top of a parse stack),
/// computed with nothing below that position's rule (XGrammar's adaptive token mask cache). Copies of
/// a bounded repetition share one (see `CompiledGrammar`).
struct PositionMask: Sendable {
    /// Tokens matched within the rule (or ending exactly where it ends): allowed whatever lies below.
    /// A list when they are few, else a bit per token.
    let acceptedList: [Int32]
    let acceptedBits: [UInt32]
    /// Tokens that finish the rule with bytes left over (context-dependent): the rules below must
    /// accept the leftover suffix. Each suffix is stored once with the tokens that leave it.
    let suffixes: ByteTrie

    /// Every other token is rejected whatever lies below.
    init(accepted: [Int32], suffixes: ByteTrie, maskWords: Int) {
        self.suffixes = suffixes
        if accepted.count < maskWords {
            acceptedList = accepted
            acceptedBits = []
        } else {
            var bits = [UInt32](repeating: 0, count: maskWords)
            for t in accepted { bits[Int(t) >> 5] |= 1 << UInt32(t & 31) }
            acceptedList = []
            acceptedBits = bits
        }
    }

    var storageBytes: Int { (acceptedList.count + acceptedBits.count) * 4 + suffixes.storageBytes }

    func addAccepted(to mask: UnsafeMutableBufferPointer<UInt32>) {
        if acceptedBits.isEmpty {
            for t in acceptedList { mask[Int(t) >> 5] |= 1 << UInt32(t & 31) }
        } else {
            acceptedBits.withUnsafeBufferPointer { bits in
                for i in bits.indices { mask[i] |= bits[i] }
            }
        }
    }
}
