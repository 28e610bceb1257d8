/// A GBNF grammar as written, before lowering: named rules whose alternatives are sequences of terms.
struct GBNFRule {
    let name: String
    let alternatives: [[GBNFTerm]]
    /// Where the name was written, for errors about the rule.
    let line: Int
    let column: Int
}

indirect enum GBNFTerm {
    /// A string literal's scalars.
    case literal([Unicode.Scalar])
    /// `[...]`, `[^...]` and `.`: the scalars it matches, as sorted, disjoint, inclusive ranges.
    case characters([ClosedRange<UInt32>])
    case reference(name: String, line: Int, column: Int)
    case group([[GBNFTerm]])
    /// `*`, `+`, `?`, `{m}`, `{m,}`, `{m,n}`; `max == nil` is unbounded.
    case repetition(GBNFTerm, min: Int, max: Int?)
}
