/// Computes a `PositionMask` for a terminal position by walking the vocabulary trie with the parse
/// stacks of that position's rule alone: one walk decides every token sharing a prefix.
struct MaskCacheBuilder {
    private var table: StackSetTable
    let vocabulary: TokenVocabulary
    /// Per position, the bytes that can follow its rule: a leftover suffix starting otherwise can never
    /// be accepted, so it is not stored.
    let follow: [ByteSet]
    /// Past it, walks stop at once and `expired` says so: the grammar is refused, not half-built.
    let deadline: ContinuousClock.Instant?
    private(set) var expired = false

    init(grammar: Grammar, machine: StackMachine, vocabulary: TokenVocabulary, deadline: ContinuousClock.Instant? = nil) {
        table = StackSetTable(machine: machine)
        self.vocabulary = vocabulary
        follow = FollowSets.afterRule(grammar, machine: machine)
        self.deadline = deadline
    }

    /// The mask, and the most bytes the walk tried on one trie path (a walk never looks deeper).
    mutating func mask(at position: Int32) -> (mask: PositionMask, depth: Int) {
        let trie = vocabulary.trie
        // The hot spot: one iteration per trie node, so the trie's arrays are read through locals.
        let bytes = trie.byte, depths = trie.depth, ends = trie.end, tokenStart = trie.tokenStart, tokens = trie.tokens
        // Indexed by `d`, after the first `d` bytes of the current trie path: the live stacks of the
        // rule (numbered in `table`), and whether some stack finished the rule right after byte `d`
        // (leaving the rest to the rules below).
        var states = [Int32](repeating: StackSetTable.dead, count: trie.height + 1)
        states[0] = table.id(of: [[position]])
        var finished = [Bool](repeating: false, count: trie.height + 1)
        var accepted: [Int32] = []
        var leftovers: [(ArraySlice<UInt8>, Int32)] = []

        let follows = follow[Int(position)]
        func addLeftovers(of node: Int, finishedUpTo last: Int) {
            guard last >= 1 else { return }
            for token in tokens[Int(tokenStart[node])..<Int(tokenStart[node + 1])] {
                let bytes = vocabulary.bytes(of: token)
                for k in 1...last where finished[k] && follows.contains(bytes[bytes.startIndex + k]) {
                    leftovers.append((bytes.dropFirst(k), token))
                }
            }
        }

        var node = 0
        var deepest = 0
        var steps = 0
        while node < bytes.count, !expired {
            steps += 1
            if steps & 0xFFF == 0, let deadline, ContinuousClock.now > deadline { expired = true }
            let d = Int(depths[node])
            deepest = max(deepest, d)
            let next = table.advance(states[d - 1], byte: bytes[node])
            finished[d] = table.canEnd[Int(next)]
            if next == StackSetTable.dead {
                // No stack of the rule survives this byte: this token and longer ones are decided below
                // the rule (if it finished earlier on the path) or rejected.
                addLeftovers(of: node, finishedUpTo: d - 1)
                if finished[1...d].contains(true) {
                    for inner in node + 1..<Int(ends[node]) { addLeftovers(of: inner, finishedUpTo: d) }
                }
                node = Int(ends[node])
            } else {
                for i in Int(tokenStart[node])..<Int(tokenStart[node + 1]) { accepted.append(tokens[i]) }
                states[d] = next
                node += 1
            }
        }
        leftovers.sort { $0.0.lexicographicallyPrecedes($1.0) }
        let mask = PositionMask(accepted: accepted, suffixes: ByteTrie(sorted: leftovers), maskWords: vocabulary.maskWords)
        return (mask, deepest)
    }
}
