/// A grammar prepared for one vocabulary: the mask cache of every terminal position, computed at
/// construction (eagerly, so that the cache is immutable and `fillMask` never waits on it).
/// Build it off the hot path and share it: it is immutable.
public final class CompiledGrammar: Sendable {
    public let grammar: Grammar
    public let vocabulary: TokenVocabulary
    let machine: StackMachine
    let initialStacks: [ParseStack]
    /// Indexed by element position; nil except at terminals.
    let masks: [PositionMask?]
    let suffixMemo = SuffixMemo()

    public init(_ grammar: Grammar, vocabulary: TokenVocabulary) {
        self.grammar = grammar
        self.vocabulary = vocabulary
        let machine = StackMachine(grammar)
        self.machine = machine
        initialStacks = machine.initialStacks(root: grammar.root)
        let builder = MaskCacheBuilder(grammar: grammar, machine: machine, vocabulary: vocabulary)
        var masks = [PositionMask?](repeating: nil, count: grammar.elements.count)
        for position in grammar.terminalPositions { masks[Int(position)] = builder.mask(at: position) }
        self.masks = masks
    }
}
