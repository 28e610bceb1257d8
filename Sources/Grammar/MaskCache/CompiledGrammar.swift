/// A grammar prepared for one vocabulary: the mask cache of every terminal position, computed at
/// construction (eagerly, so that the cache is immutable and `fillMask` never waits on it).
/// Build it off the hot path and share it: it is immutable.
///
/// Positions of a bounded repetition share masks. In a chain `R_k ::= a1 R_{k-1} | … | ε` (see
/// `GrammarLowering`) where every copy of the item takes at least a byte, a walk from a position of
/// `R_k` that tries at most `k - 1` bytes never reaches `R_1`, the one rule of the chain shaped
/// differently: the walks from the same position in `R_k`, `R_{k+1}`, … then step through the same
/// elements (but for which `R_j` they call), so they accept the same tokens and leave the same
/// suffixes, and those suffixes continue where each rule ends, below it. FOLLOW is the same along a
/// chain too, unless a rule of it is also called from elsewhere (then nothing is shared). With
/// `maxLength: 1000` only the first few dozen copies are walked.
public final class CompiledGrammar: Sendable {
    public let grammar: Grammar
    public let vocabulary: TokenVocabulary
    let machine: StackMachine
    let initialStacks: [ParseStack]
    /// Indexed by element position: the index in `masks` of a terminal's mask, -1 elsewhere.
    let maskIndex: [Int32]
    let masks: [PositionMask]
    let suffixMemo = SuffixMemo()

    /// Compiled whatever it takes: for grammars the caller trusts (tests, benchmarks).
    public convenience init(_ grammar: Grammar, vocabulary: TokenVocabulary) {
        try! self.init(grammar, vocabulary: vocabulary, limit: nil)
    }

    /// Compiled within `limit`, or refused: some grammars are small to write and vast to walk (many
    /// wide, ambiguous repetitions side by side), and a client's grammar must not hold a worker.
    public static func compile(
        _ grammar: Grammar, vocabulary: TokenVocabulary, within limit: Duration
    ) throws(GrammarError) -> CompiledGrammar {
        try CompiledGrammar(grammar, vocabulary: vocabulary, limit: limit)
    }

    private init(_ grammar: Grammar, vocabulary: TokenVocabulary, limit: Duration?) throws(GrammarError) {
        self.grammar = grammar
        self.vocabulary = vocabulary
        let machine = StackMachine(grammar)
        self.machine = machine
        initialStacks = machine.initialStacks(root: grammar.root)
        var builder = MaskCacheBuilder(
            grammar: grammar, machine: machine, vocabulary: vocabulary, deadline: limit.map { ContinuousClock.now + $0 })
        var maskIndex = [Int32](repeating: -1, count: grammar.elements.count)
        var masks: [PositionMask] = []
        for chain in grammar.repetitionChains where Self.takesBytes(chain, machine) {
            // Per element offset in the chain's rules: a mask found (with its position) by a walk that
            // did not reach `R_1`, so it holds for every later rule.
            var settled: [Int: (index: Int32, position: Int)] = [:]
            for (level, rule) in chain.enumerated() {
                let start = Int(grammar.alternatives[Int(rule)][0])
                for position in start...Int(grammar.alternatives[Int(rule)].last!) {
                    guard case .bytes = grammar.elements[position] else { continue }
                    if let s = settled[position - start], builder.follow[s.position] == builder.follow[position] {
                        maskIndex[position] = s.index
                        continue
                    }
                    let (mask, depth) = builder.mask(at: Int32(position))
                    maskIndex[position] = Int32(masks.count)
                    masks.append(mask)
                    if level > 0 && depth <= level { settled[position - start] = (Int32(masks.count - 1), position) }
                }
            }
        }
        for position in grammar.terminalPositions where maskIndex[Int(position)] < 0 {
            maskIndex[Int(position)] = Int32(masks.count)
            masks.append(builder.mask(at: position).mask)
        }
        if builder.expired, let limit {
            throw GrammarError("too complex: its token masks for this model cannot be compiled within \(limit)")
        }
        self.maskIndex = maskIndex
        self.masks = masks
    }

    /// Every non-empty alternative of the chain's rules takes a byte (then trying byte `b` from `R_k`
    /// happens at `R_{k-b+1}` or above).
    private static func takesBytes(_ chain: [Int32], _ machine: StackMachine) -> Bool {
        chain.allSatisfy { rule in
            machine.alternatives[Int(rule)].allSatisfy { start in
                if case .end = machine.elements[Int(start)] { true } else { !machine.canFinish[Int(start)] }
            }
        }
    }
}
