/// What can come right after a rule ends, in any context (the FOLLOW sets of parsing textbooks), given
/// per position: the rule whose alternative holds the position. A tail call leaves the caller's
/// continuation below, and the caller's FOLLOW flows into the callee's, so the set stays a superset.
enum FollowSets {
    static func afterRule(_ grammar: Grammar, machine: StackMachine) -> [ByteSet] {
        let elements = grammar.elements
        var ruleOf = [Int32](repeating: 0, count: elements.count)
        for (rule, starts) in grammar.alternatives.enumerated() {
            for start in starts {
                var p = Int(start)
                while true {
                    ruleOf[p] = Int32(rule)
                    if case .end = elements[p] { break }
                    p += 1
                }
            }
        }
        var follow = [ByteSet](repeating: ByteSet(), count: grammar.alternatives.count)
        var changed = true
        while changed {
            changed = false
            for q in elements.indices {
                guard case .rule(let callee) = elements[q] else { continue }
                var f = machine.firstBytes[q + 1]
                if machine.canFinish[q + 1] { f.formUnion(follow[Int(ruleOf[q])]) }
                f.formUnion(follow[Int(callee)])
                if f != follow[Int(callee)] {
                    follow[Int(callee)] = f
                    changed = true
                }
            }
        }
        return ruleOf.map { follow[Int($0)] }
    }
}
