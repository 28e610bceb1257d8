/// A parse stack: element positions from the outermost rule to the innermost. After `expand` its top
/// is a terminal (the byte set the next byte must be in), or it is empty: its outermost rule is complete.
typealias ParseStack = [Int32]

/// Steps sets of parse stacks over bytes, like llama.cpp's `llama_grammar_accept`: every stack is
/// one way the text so far can be parsed, so nondeterminism is a set of stacks.
struct StackMachine: Sendable {
    let elements: [Grammar.Element]
    let alternatives: [[Int32]]

    /// Past this many live stacks a step is refused (as if no stack survived), so a pathological
    /// grammar cannot make one step take unbounded time.
    static let maxStacks = 2048

    init(_ grammar: Grammar) {
        elements = grammar.elements
        alternatives = grammar.alternatives
    }

    /// The stacks the text can start in: the root rule's alternatives, expanded.
    func initialStacks(root: Int32) -> [ParseStack] {
        var out: [ParseStack] = []
        for start in alternatives[Int(root)] { expand([start], into: &out) }
        return deduplicated(out)
    }

    /// Pops finished rules and pushes the alternatives of referenced rules until each resulting stack's
    /// top is a terminal (or the stack is empty). A reference that ends its alternative is not kept on
    /// the stack (a tail call), so right recursion like `R ::= x R | ε` runs in constant depth.
    func expand(_ stack: ParseStack, into out: inout [ParseStack]) {
        var stack = stack
        while let top = stack.last {
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
                    expand(alternative, into: &out)
                }
                return
            }
        }
        out.append(stack)
    }

    /// The stacks after `byte`: those whose terminal matches it, moved past it and expanded.
    /// Empty when the byte is not allowed (or when too many stacks would be live).
    func advance(_ stacks: [ParseStack], byte: UInt8) -> [ParseStack] {
        var out: [ParseStack] = []
        for stack in stacks {
            guard let top = stack.last, case .bytes(let set) = elements[Int(top)], set.contains(byte) else { continue }
            var next = stack
            next[next.count - 1] = top + 1
            expand(next, into: &out)
        }
        return out.count > Self.maxStacks ? [] : deduplicated(out)
    }

    func deduplicated(_ stacks: [ParseStack]) -> [ParseStack] {
        guard stacks.count > 1 else { return stacks }
        var seen = Set<ParseStack>()
        return stacks.filter { seen.insert($0).inserted }
    }
}
