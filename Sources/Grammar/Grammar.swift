/// A context-free grammar over UTF-8 bytes, read from llama.cpp's GBNF.
///
/// Lowered for matching: every rule is a list of alternatives, each a run of `elements` ending in
/// `.end`; terminals are byte sets (literals and classes are compiled to UTF-8 bytes), and repetitions
/// are expanded into right-recursive rules that a matcher runs in constant stack depth.
public struct Grammar: Sendable, Hashable {
    enum Element: Hashable, Sendable {
        case bytes(ByteSet)
        case rule(Int32)
        case end
    }

    /// Rule names; rules made by lowering are named `<rule>-<n>` after the rule they came from.
    let ruleNames: [String]
    /// Per rule, the element index where each alternative starts.
    let alternatives: [[Int32]]
    let elements: [Element]
    let root: Int32
    /// The rules a bounded repetition `x{m,n}` became, `R_1 … R_{n-m}` (see `GrammarLowering`).
    let repetitionChains: [[Int32]]

    /// Lowered grammars larger than this are refused: `{m,n}` can multiply a small text a lot, and
    /// the text may come from a client.
    public static let maxElements = 100_000

    public init(gbnf: String, root: String = "root") throws(GrammarError) {
        var parser = GBNFParser(gbnf)
        let rules = try parser.parseRules()
        var lowering = try GrammarLowering(rules: rules, root: root)
        let lowered = try lowering.lower()
        ruleNames = lowered.names
        var elements: [Element] = []
        var alternatives: [[Int32]] = []
        for body in lowered.bodies {
            alternatives.append(body.map { alternative in
                defer { elements += alternative; elements.append(.end) }
                return Int32(elements.count)
            })
        }
        self.elements = elements
        self.alternatives = alternatives
        self.root = lowered.root
        repetitionChains = lowered.chains
        try LeftRecursion.check(self)
    }

    /// Element indices of the grammar's terminals: the points where a matcher waits for a byte.
    var terminalPositions: [Int32] {
        elements.indices.compactMap { if case .bytes = elements[$0] { Int32($0) } else { nil } }
    }
}
