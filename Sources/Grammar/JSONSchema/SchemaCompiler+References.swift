/// Local `$ref`s become rules, compiled once each from the work list; recursion is checked for left recursion.
extension SchemaCompiler {
    mutating func reference(_ argument: JSONValue, at path: SchemaPath) throws(JSONSchemaError) -> String {
        guard case .string(let reference) = argument else { throw JSONSchemaError(at: path, "'$ref' must be a string") }
        guard let target = SchemaPath(reference: reference) else {
            throw JSONSchemaError(at: path, "'$ref' \(reference) is not a local reference ('#' or '#/…')")
        }
        guard target.resolve(in: document) != nil else {
            throw JSONSchemaError(at: path, "'$ref' \(reference) points to nothing")
        }
        if !consumed { leftReferences[current, default: []].insert(target) }
        return referenceRule(target)
    }

    mutating func referenceRule(_ target: SchemaPath) -> String {
        if let name = referenceRules[target] { return name }
        let rule = reserveRule(for: target)
        referenceRules[target] = rules[rule].name
        pending.append((target, rule))
        return rules[rule].name
    }

    /// Left recursion is a cycle among the references reached before any input: peel off rules that reach
    /// none still standing; what remains holds a cycle.
    func checkLeftRecursion() throws(JSONSchemaError) {
        var outgoing = leftReferences.mapValues(\.count)
        var incoming: [SchemaPath: [SchemaPath]] = [:]
        for (from, targets) in leftReferences { for target in targets { incoming[target, default: []].append(from) } }
        var ready = referenceRules.keys.filter { outgoing[$0, default: 0] == 0 }
        while let done = ready.popLast() {
            for from in incoming[done] ?? [] {
                outgoing[from]! -= 1
                if outgoing[from] == 0 { ready.append(from) }
            }
        }
        guard var node = outgoing.filter({ $0.value > 0 }).keys.min(by: { $0.description < $1.description }) else { return }
        // Walk the remaining edges until a rule repeats: that rule is on the cycle.
        var seen: Set<SchemaPath> = []
        while seen.insert(node).inserted { node = leftReferences[node]!.first { outgoing[$0, default: 0] > 0 }! }
        throw JSONSchemaError(at: node, "'$ref' recursion that reaches itself before any object or array never ends")
    }
}
