/// Where generation stands in a grammar: which tokens may come next, and accepting them.
///
/// A value: a copy is an independent matcher (forked sequences each keep their own).
public struct GrammarMatcher: Sendable {
    public let grammar: CompiledGrammar
    /// Every parse of the text so far, unexpanded (never empty once the matcher exists).
    private(set) var stacks: [ParseStack]

    public init(_ grammar: CompiledGrammar) {
        self.grammar = grammar
        stacks = grammar.initialStacks
    }

    /// The text so far is a complete sentence of the grammar.
    public var canEnd: Bool { stacks.contains { grammar.machine.canEnd($0) } }

    /// Nothing but the end can follow: the caller may stop at once.
    public var isExhausted: Bool { expandedStacks?.allSatisfy { $0.isEmpty } ?? false }

    /// The stacks with a terminal on top (or empty, complete); nil past `StackMachine`'s caps.
    private var expandedStacks: [ParseStack]? { grammar.machine.expand(stacks) }

    /// Accepts a token's bytes; an end token is accepted iff `canEnd` and leaves the state as it is.
    /// False, with the state unchanged, if the token is not allowed.
    public mutating func accept(_ token: Int32) -> Bool {
        let vocabulary = grammar.vocabulary
        guard token >= 0 && Int(token) < vocabulary.count else { return false }
        if vocabulary.isEnd(token) { return canEnd }
        let bytes = vocabulary.bytes(of: token)
        return !bytes.isEmpty && accept(bytes: bytes)
    }

    /// Accepts text forced by the caller; false, with the state unchanged, if the grammar does not allow it.
    public mutating func accept(bytes: some Collection<UInt8>) -> Bool {
        var next = stacks
        for byte in bytes {
            next = grammar.machine.advance(next, byte: byte)
            if next.isEmpty { return false }
        }
        stacks = next
        return true
    }

    /// Writes the tokens that may come next: `(vocabulary.count + 31) / 32` words, bit `i % 32` of word
    /// `i / 32` set iff token `i` keeps the text a prefix of a sentence (end tokens iff `canEnd`).
    ///
    /// The hot spot: the cached accepted tokens of each stack's top position are ORed in, and only the
    /// leftover suffixes of context-dependent tokens are run against the stack below.
    public func fillMask(_ mask: UnsafeMutableBufferPointer<UInt32>) {
        let vocabulary = grammar.vocabulary
        precondition(mask.count >= vocabulary.maskWords, "the mask needs \(vocabulary.maskWords) words")
        UnsafeMutableBufferPointer(rebasing: mask[..<vocabulary.maskWords]).update(repeating: 0)
        guard let expandedStacks else {
            // Past the caps the cached masks (each of one stack, within the caps alone) prove nothing:
            // the whole vocabulary is stepped with `advance`, exactly as `accept` steps a token. Slow,
            // and only for grammars that keep more than `maxStacks` parses alive.
            for t in allowed(by: vocabulary.trie, from: stacks) { mask[Int(t) >> 5] |= 1 << UInt32(t & 31) }
            if canEnd { for t in vocabulary.endTokens where Int(t) < vocabulary.count { mask[Int(t) >> 5] |= 1 << UInt32(t & 31) } }
            return
        }
        var done: [Int32] = []
        for stack in expandedStacks {
            guard let top = stack.last else {
                for t in vocabulary.endTokens where Int(t) < vocabulary.count { mask[Int(t) >> 5] |= 1 << UInt32(t & 31) }
                continue
            }
            let index = grammar.maskIndex[Int(top)]
            let cached = grammar.masks[Int(index)]
            if !done.contains(index) {
                cached.addAccepted(to: mask)
                done.append(index)
            }
            if !cached.suffixes.isEmpty {
                let key = SuffixMemo.Key(mask: index, below: stack.dropLast())
                let tokens = grammar.suffixMemo.tokens(for: key) { allowed(by: cached.suffixes, from: [Array(key.below)]) }
                for t in tokens { mask[Int(t) >> 5] |= 1 << UInt32(t & 31) }
            }
        }
    }

    /// The tokens of the trie whose bytes the stacks accept, stepped with `advance` as `accept` steps them:
    /// leftover suffixes against the stack below the top rule, or the whole vocabulary.
    private func allowed(by trie: ByteTrie, from stacks: [ParseStack]) -> [Int32] {
        var allowed: [Int32] = []
        let machine = grammar.machine
        var states = [stacks]
        var node = 0
        while node < trie.count {
            let d = Int(trie.depth[node])
            states.removeSubrange(d...)
            let next = machine.advance(states[d - 1], byte: trie.byte[node])
            if next.isEmpty {
                node = Int(trie.end[node])
                continue
            }
            allowed += trie.tokens(at: node)
            states.append(next)
            node += 1
        }
        return allowed
    }
}
