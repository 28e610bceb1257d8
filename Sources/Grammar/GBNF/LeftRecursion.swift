/// Refuses left recursion: a rule that can reach itself before consuming a byte would make a
/// top-down matcher expand forever. This includes repeating something that can match nothing, like `(x?)*`.
enum LeftRecursion {
    static func check(_ grammar: Grammar) throws(GrammarError) {
        let nullable = nullableRules(grammar)
        // Rules each rule can start with, without consuming a byte.
        var edges: [[Int32]] = Array(repeating: [], count: grammar.alternatives.count)
        for (rule, starts) in grammar.alternatives.enumerated() {
            for start in starts {
                var p = Int(start)
                while case .rule(let id) = grammar.elements[p] {
                    edges[rule].append(id)
                    guard nullable[Int(id)] else { break }
                    p += 1
                }
            }
        }
        // Depth-first search for a cycle; 1 = on the current path, 2 = done.
        var state = [UInt8](repeating: 0, count: edges.count)
        for start in edges.indices where state[start] == 0 {
            var path: [(rule: Int, next: Int)] = [(start, 0)]
            state[start] = 1
            while let (rule, next) = path.last {
                if next == edges[rule].count {
                    state[rule] = 2
                    path.removeLast()
                    continue
                }
                path[path.count - 1].next += 1
                let target = Int(edges[rule][next])
                if state[target] == 1 {
                    throw GrammarError("rule '\(grammar.ruleNames[target])' is left-recursive: it can reach itself without consuming input")
                }
                if state[target] == 0 {
                    state[target] = 1
                    path.append((target, 0))
                }
            }
        }
    }

    static func nullableRules(_ grammar: Grammar) -> [Bool] {
        var nullable = [Bool](repeating: false, count: grammar.alternatives.count)
        var changed = true
        while changed {
            changed = false
            for (rule, starts) in grammar.alternatives.enumerated() where !nullable[rule] {
                for start in starts {
                    var p = Int(start)
                    while case .rule(let id) = grammar.elements[p], nullable[Int(id)] { p += 1 }
                    if case .end = grammar.elements[p] {
                        nullable[rule] = true
                        changed = true
                        break
                    }
                }
            }
        }
        return nullable
    }
}
