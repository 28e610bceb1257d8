/// Computes a `PositionMask` for a terminal position by walking the vocabulary trie with the parse
/// stacks of that position's rule alone: one walk decides every token sharing a prefix.
struct MaskCacheBuilder {
    private var table: StackSetTable
    let vocabulary: TokenVocabulary
    /// Per position, the bytes that can follow its rule: a leftover suffix starting otherwise can never
    /// be accepted, so it is not stored.
    let follow: [ByteSet]

    init(grammar: Grammar, machine: StackMachine, vocabulary: TokenVocabulary) {
        table = StackSetTable(machine: machine)
        self.vocabulary = vocabulary
        follow = FollowSets.afterRule(grammar, machine: machine)
    }

    /// The mask, and the most bytes the walk tried on one trie path (a walk never looks deeper).
    mutating func mask(at position: Int32) -> (mask: PositionMask, depth: Int) {
        let trie = vocabulary.trie
        // After the first `d` bytes of the current trie path: the live stacks of the rule (numbered in
        // `table`), and whether some stack finished the rule right after byte `d` (leaving the rest to
        // the rules below).
        var states: [Int32] = [table.id(of: [[position]])]
        var finished: [Bool] = [false]
        var accepted: [Int32] = []
        var leftovers: [(ArraySlice<UInt8>, Int32)] = []

        let follows = follow[Int(position)]
        func addLeftovers(_ token: Int32, finishedUpTo last: Int) {
            let bytes = vocabulary.bytes(of: token)
            guard last >= 1 else { return }
            for k in 1...last where finished[k] && follows.contains(bytes[bytes.startIndex + k]) {
                leftovers.append((bytes.dropFirst(k), token))
            }
        }

        var node = 0
        var deepest = 0
        while node < trie.count {
            let d = Int(trie.depth[node])
            deepest = max(deepest, d)
            states.removeSubrange(d...)
            finished.removeSubrange(d...)
            let next = table.advance(states[d - 1], byte: trie.byte[node])
            finished.append(table.canEnd[Int(next)])
            if next == StackSetTable.dead {
                // No stack of the rule survives this byte: this token and longer ones are decided below
                // the rule (if it finished earlier on the path) or rejected.
                for t in trie.tokens(at: node) { addLeftovers(t, finishedUpTo: d - 1) }
                if finished[1...d].contains(true) {
                    for inner in node + 1..<Int(trie.end[node]) {
                        for t in trie.tokens(at: inner) { addLeftovers(t, finishedUpTo: d) }
                    }
                }
                node = Int(trie.end[node])
            } else {
                accepted += trie.tokens(at: node)
                states.append(next)
                node += 1
            }
        }
        leftovers.sort { $0.0.lexicographicallyPrecedes($1.0) }
        let mask = PositionMask(accepted: accepted, suffixes: ByteTrie(sorted: leftovers), maskWords: vocabulary.maskWords)
        return (mask, deepest)
    }
}
