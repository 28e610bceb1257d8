/// Turns parsed GBNF rules into byte-level rules: literals and classes become UTF-8 byte sets,
/// groups and multi-sequence classes become rules of their own, and repetitions become rules.
///
/// `x*` becomes `R ::= a1 R | … | an R | ε` where `a1 … an` are x's alternatives inlined (through a
/// reference and a class, two levels): a matcher inside a repeated class (a JSON string's contents)
/// then stays in one rule from one character to the next, which is what lets the mask cache decide
/// most tokens there without looking at the rules below.
///
/// `x{m,n}` becomes m copies of x and a chain `R_{n-m} ::= a1 R_{n-m-1} | … | ε` down to
/// `R_1 ::= a1 | … | an | ε`; the chains are recorded (`R_1` first) because every `R_k` past `R_1` has
/// the same elements but for the rule it calls, which lets the mask cache share work between them.
///
/// A rule or group of more than `maxUnfactored` alternatives is left-factored into a trie: alternatives
/// that begin alike share their common prefix and continue in a rule of their tails. An `enum` of
/// 3,000 strings all starting with `"` would otherwise make 3,000 parse stacks on its first byte, past
/// `StackMachine.maxStacks`; factored, a byte keeps a stack per distinct continuation at most.
struct GrammarLowering {
    typealias Element = Grammar.Element
    typealias Body = [[Element]]

    private let rules: [GBNFRule]
    private var names: [String] = []
    private var bodies: [Body?] = []
    private var ids: [String: Int32] = [:]
    private var lowering: Set<Int32> = []
    private var generatedCount: [String: Int] = [:]
    private var chains: [[Int32]] = []
    private var elementCount = 0
    private let root: Int32

    /// Bodies larger than this are referenced rather than inlined into a repetition.
    private static let maxInlinedElements = 4096
    /// Bodies with more alternatives than this are left-factored (see above).
    static let maxUnfactored = 32

    init(rules: [GBNFRule], root rootName: String) throws(GrammarError) {
        guard !rules.isEmpty else { throw GrammarError("the grammar has no rules") }
        self.rules = rules
        for rule in rules {
            if ids[rule.name] != nil {
                throw GrammarError("rule '\(rule.name)' is defined twice", line: rule.line, column: rule.column)
            }
            ids[rule.name] = Int32(names.count)
            names.append(rule.name)
            bodies.append(nil)
        }
        guard let root = ids[rootName] else { throw GrammarError("the root rule '\(rootName)' is not defined") }
        self.root = root
    }

    mutating func lower() throws(GrammarError) -> (names: [String], bodies: [Body], root: Int32, chains: [[Int32]]) {
        for id in rules.indices { _ = try body(of: Int32(id)) }
        return (names, bodies.map { $0! }, root, chains)
    }

    /// A named rule's lowered body, lowering it first if need be; nil while it is being lowered
    /// (a recursive reference, which is then not inlined).
    private mutating func body(of id: Int32) throws(GrammarError) -> Body? {
        if let body = bodies[Int(id)] { return body }
        guard Int(id) < rules.count, !lowering.contains(id) else { return nil }
        lowering.insert(id)
        let rule = rules[Int(id)]
        var body: Body = []
        for sequence in rule.alternatives { body.append(try lower(sequence, owner: rule.name)) }
        body = factored(body, owner: rule.name)
        lowering.remove(id)
        bodies[Int(id)] = body
        return body
    }

    private mutating func lower(_ terms: [GBNFTerm], owner: String) throws(GrammarError) -> [Element] {
        var sequence: [Element] = []
        for term in terms { try append(term, to: &sequence, owner: owner) }
        return sequence
    }

    private mutating func append(_ term: GBNFTerm, to sequence: inout [Element], owner: String) throws(GrammarError) {
        switch term {
        case .literal(let scalars):
            for scalar in scalars {
                for byte in UnicodeRanges.encode(scalar.value) { try add([.bytes(ByteSet(byte...byte))], to: &sequence) }
            }
        case .characters:
            try add(rule(alternatives(of: term, owner: owner), owner: owner), to: &sequence)
        case .reference(let name, let line, let column):
            try add([.rule(try id(of: name, line: line, column: column))], to: &sequence)
        case .group(let sequences):
            var body: Body = []
            for s in sequences { body.append(try lower(s, owner: owner)) }
            try add(rule(factored(body, owner: owner), owner: owner), to: &sequence)
        case .repetition(let item, let min, let max):
            let alternatives = try alternatives(of: item, owner: owner)
            let once = rule(alternatives, owner: owner)
            for _ in 0..<min { try add(once, to: &sequence) }
            if let max {
                guard max > min else { return }
                // x{0,k}: R_k ::= a R_{k-1} | ε, down to R_1 ::= a | ε.
                var inner: [Element] = []
                var chain: [Int32] = []
                for _ in min..<max {
                    var body: Body = []
                    for a in alternatives { body.append(a + inner); try count(a.count + inner.count) }
                    chain.append(newRule(body + [[]], owner: owner))
                    inner = [.rule(chain.last!)]
                }
                chains.append(chain)
                try add(inner, to: &sequence)
            } else {
                let id = newRule([], owner: owner)
                var body: Body = []
                for a in alternatives { body.append(a + [.rule(id)]); try count(a.count + 1) }
                bodies[Int(id)] = body + [[]]
                try add([.rule(id)], to: &sequence)
            }
        }
    }

    /// The term as alternatives of element sequences, with single-reference alternatives replaced by
    /// the referenced rule's alternatives (two levels: a rule whose alternative is a class).
    private mutating func alternatives(of term: GBNFTerm, owner: String) throws(GrammarError) -> Body {
        switch term {
        case .characters(let ranges):
            guard !ranges.isEmpty else { throw GrammarError("a character class in rule '\(owner)' matches nothing") }
            // All ASCII scalars are one byte set; the rest, one alternative per UTF-8 byte-range sequence.
            var ascii = ByteSet()
            for r in ranges where r.lowerBound < 0x80 { for b in r.lowerBound...min(r.upperBound, 0x7F) { ascii.insert(UInt8(b)) } }
            let wide = ranges.filter { $0.upperBound >= 0x80 }.map { max($0.lowerBound, 0x80)...$0.upperBound }
            let sequences: Body = UnicodeRanges.utf8Sequences(wide).map { $0.map { .bytes(ByteSet($0)) } }
            return ascii.isEmpty ? sequences : [[.bytes(ascii)]] + sequences
        case .reference(let name, let line, let column):
            return try inlined([[.rule(try id(of: name, line: line, column: column))]], levels: 2)
        case .group(let sequences):
            var body: Body = []
            for s in sequences { body.append(try lower(s, owner: owner)) }
            return try inlined(body, levels: 2)
        case .literal, .repetition:
            return [try lower([term], owner: owner)]
        }
    }

    private mutating func inlined(_ body: Body, levels: Int) throws(GrammarError) -> Body {
        guard levels > 0 else { return body }
        var result: Body = []
        for alternative in body {
            if alternative.count == 1, case .rule(let id) = alternative[0], let inner = try self.body(of: id),
               inner.reduce(0, { $0 + $1.count }) <= Self.maxInlinedElements {
                result += try inlined(inner, levels: levels - 1)
            } else {
                result.append(alternative)
            }
        }
        return result
    }

    /// The body with alternatives that start with the same element merged, recursively, when it has more
    /// than `maxUnfactored`: `"ab" | "ac" | "b"` becomes `"a" R | "b"` with `R ::= "b" | "c"`. Each group
    /// keeps its longest common prefix; a tail may be empty (one alternative was a prefix of another).
    /// The order of first appearance is kept, and the language is unchanged.
    private mutating func factored(_ body: Body, owner: String) -> Body {
        guard body.count > Self.maxUnfactored else { return body }
        var order: [Element?] = []
        var groups: [Element?: Body] = [:]
        for alternative in body {
            let key = alternative.first
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(alternative)
        }
        guard order.count < body.count else { return body }
        var result: Body = []
        for key in order {
            let group = groups[key]!
            guard key != nil, group.count > 1 else {
                result += key == nil ? [group[0]] : group
                continue
            }
            var common = 1
            while group.allSatisfy({ $0.count > common && $0[common] == group[0][common] }) { common += 1 }
            let prefix = Array(group[0][..<common])
            let tails = factored(group.map { Array($0[common...]) }, owner: owner)
            // Identical alternatives collapse into one.
            result.append(prefix + (tails.allSatisfy(\.isEmpty) ? [] : [.rule(newRule(tails, owner: owner))]))
        }
        return result
    }

    private func id(of name: String, line: Int, column: Int) throws(GrammarError) -> Int32 {
        guard let id = ids[name] else { throw GrammarError("rule '\(name)' is used but never defined", line: line, column: column) }
        return id
    }

    /// One element sequence matching the alternatives: themselves if there is one, else a new rule.
    private mutating func rule(_ alternatives: Body, owner: String) -> [Element] {
        alternatives.count == 1 ? alternatives[0] : [.rule(newRule(alternatives, owner: owner))]
    }

    private mutating func newRule(_ body: Body, owner: String) -> Int32 {
        let n = generatedCount[owner, default: 0] + 1
        generatedCount[owner] = n
        names.append("\(owner)-\(n)")
        bodies.append(body)
        return Int32(names.count - 1)
    }

    private mutating func add(_ elements: [Element], to sequence: inout [Element]) throws(GrammarError) {
        try count(elements.count)
        sequence += elements
    }

    private mutating func count(_ n: Int) throws(GrammarError) {
        elementCount += n
        if elementCount > Grammar.maxElements {
            throw GrammarError("the grammar is too large: more than \(Grammar.maxElements) elements once repetitions are expanded")
        }
    }
}
