/// A parse stack: element positions from the outermost rule to the innermost, each the next element
/// to match in its frame. Stacks are kept unexpanded (the top may be a rule reference or an
/// alternative's end) and expanded only as far as the next byte needs: a byte inside a JSON string
/// then makes one stack, not one per alternative of the string's character rule.
typealias ParseStack = [Int32]

/// Steps sets of parse stacks over bytes, like llama.cpp's `llama_grammar_accept`: every stack is
/// one way the text so far can be parsed, so nondeterminism is a set of stacks.
struct StackMachine: Sendable {
    let elements: [Grammar.Element]
    let alternatives: [[Int32]]
    /// Per position: the bytes its frame can consume first, and whether the frame can end from there
    /// without consuming (then the frames below decide too).
    let firstBytes: [ByteSet]
    let canFinish: [Bool]

    /// Past this many live stacks, or this many expansion steps, a byte is refused (as if no stack
    /// survived), so a pathological grammar (say, many ways to match nothing) cannot make one step
    /// take unbounded time.
    static let maxStacks = 2048
    static let maxExpansions = 50_000

    init(_ grammar: Grammar) {
        elements = grammar.elements
        alternatives = grammar.alternatives
        (firstBytes, canFinish) = Self.lookahead(grammar)
    }

    /// The stacks the text can start in: one per alternative of the root rule.
    func initialStacks(root: Int32) -> [ParseStack] {
        alternatives[Int(root)].map { [$0] }
    }

    /// Whether the stack can be complete without another byte: every frame can finish.
    func canEnd(_ stack: ParseStack) -> Bool {
        stack.allSatisfy { canFinish[Int($0)] }
    }

    /// Whether a step that made `count` stacks with `budget` expansion steps left stayed within the
    /// caps. The one rule for both `advance` and `expand`, so that a mask and `accept` agree on it.
    static func withinCaps(count: Int, budget: Int) -> Bool {
        count <= maxStacks && budget >= 0
    }

    /// Pops finished rules and pushes the alternatives of referenced rules until each resulting stack's
    /// top is a terminal (or the stack is empty: complete). A reference that ends its alternative is
    /// not kept on the stack (a tail call), so right recursion like `R ::= x R | ε` runs in constant depth.
    /// Nil past the caps (like `advance`, with one budget for the whole set): then only stepping the
    /// unexpanded stacks byte by byte, as `accept` does, can tell which tokens are allowed.
    func expand(_ stacks: [ParseStack]) -> [ParseStack]? {
        var out: [ParseStack] = []
        var budget = Self.maxExpansions
        for stack in stacks { expand(stack, into: &out, budget: &budget) }
        return Self.withinCaps(count: out.count, budget: budget) ? deduplicated(out) : nil
    }

    private func expand(_ stack: ParseStack, into out: inout [ParseStack], budget: inout Int) {
        var stack = stack
        while let top = stack.last {
            budget -= 1
            guard budget >= 0 else { return }
            switch elements[Int(top)] {
            case .bytes:
                out.append(stack)
                return
            case .end:
                stack.removeLast()
            case .rule(let id):
                stack.removeLast()
                if case .end = elements[Int(top) + 1] {} else { stack.append(top + 1) }
                for start in alternatives[Int(id)] where out.count <= Self.maxStacks {
                    var alternative = stack
                    alternative.append(start)
                    expand(alternative, into: &out, budget: &budget)
                }
                return
            }
        }
        out.append(stack)
    }

    /// The stacks after `byte`: those that can match it, moved past it (unexpanded).
    /// Empty when the byte is not allowed (or when too many stacks would be live).
    func advance(_ stacks: [ParseStack], byte: UInt8) -> [ParseStack] {
        var out: [ParseStack] = []
        var budget = Self.maxExpansions
        for stack in stacks { step(stack, byte: byte, into: &out, budget: &budget) }
        return Self.withinCaps(count: out.count, budget: budget) ? deduplicated(out) : []
    }

    /// Expands `stack` only into the alternatives that can take `byte`, and takes it.
    private func step(_ stack: ParseStack, byte: UInt8, into out: inout [ParseStack], budget: inout Int) {
        var stack = stack
        while let top = stack.last {
            budget -= 1
            guard budget >= 0 else { return }
            switch elements[Int(top)] {
            case .bytes(let set):
                guard set.contains(byte) else { return }
                stack[stack.count - 1] = top + 1
                out.append(stack)
                return
            case .end:
                stack.removeLast()
            case .rule(let id):
                stack.removeLast()
                if case .end = elements[Int(top) + 1] {} else { stack.append(top + 1) }
                let below = stack
                for start in alternatives[Int(id)] where out.count <= Self.maxStacks {
                    // An alternative that cannot start with the byte matters only if it can finish at once.
                    guard firstBytes[Int(start)].contains(byte) || canFinish[Int(start)] else { continue }
                    var alternative = below
                    alternative.append(start)
                    step(alternative, byte: byte, into: &out, budget: &budget)
                }
                return
            }
        }
    }

    func deduplicated(_ stacks: [ParseStack]) -> [ParseStack] {
        guard stacks.count > 1 else { return stacks }
        if stacks.count <= 16 {
            var unique: [ParseStack] = []
            for s in stacks where !unique.contains(s) { unique.append(s) }
            return unique
        }
        var seen = Set<ParseStack>()
        return stacks.filter { seen.insert($0).inserted }
    }

    /// `firstBytes` and `canFinish` for every position, by fixed point from each alternative's end
    /// backwards (left recursion has been refused, but the fixed point does not rely on it).
    private static func lookahead(_ grammar: Grammar) -> ([ByteSet], [Bool]) {
        let elements = grammar.elements
        let nullable = LeftRecursion.nullableRules(grammar)
        var first = [ByteSet](repeating: ByteSet(), count: elements.count)
        var finish = [Bool](repeating: false, count: elements.count)
        var ruleFirst = [ByteSet](repeating: ByteSet(), count: grammar.alternatives.count)
        var changed = true
        while changed {
            changed = false
            for p in elements.indices.reversed() {
                var f = ByteSet()
                var n = false
                switch elements[p] {
                case .end:
                    n = true
                case .bytes(let set):
                    f = set
                case .rule(let id):
                    f = ruleFirst[Int(id)]
                    if nullable[Int(id)] {
                        f.formUnion(first[p + 1])
                        n = finish[p + 1]
                    }
                }
                if f != first[p] || n != finish[p] {
                    first[p] = f
                    finish[p] = n
                    changed = true
                }
            }
            for (rule, starts) in grammar.alternatives.enumerated() {
                var f = ByteSet()
                for s in starts { f.formUnion(first[Int(s)]) }
                if f != ruleFirst[rule] {
                    ruleFirst[rule] = f
                    changed = true
                }
            }
        }
        return (first, finish)
    }
}
