import Engine
import Grammar
import Synchronization

/// Compiled grammars by their GBNF text. Compiling one precomputes its token masks over the whole
/// vocabulary (tens to hundreds of milliseconds): done once per distinct grammar, on the preparation
/// queue, never in the step loop. Applications send the same schema again and again, so a few recent
/// ones are kept.
final class GrammarCache: Sendable {
    private let tokenizer: Tokenizer
    private let capacity: Int
    /// The longest one compile may take; a grammar that needs more fails its request. Schemas of
    /// every supported keyword compile in well under a second (docs/benchmarks.md), and the
    /// controller drops a worker that shows no progress for 30 s.
    private let compileLimit: Duration
    private struct State {
        var vocabulary: TokenVocabulary?
        /// Most recently used last.
        var entries: [(gbnf: String, grammar: CompiledGrammar)] = []
    }
    private let state = Mutex(State())

    init(tokenizer: Tokenizer, capacity: Int = 16, compileLimit: Duration = .seconds(5)) {
        self.tokenizer = tokenizer
        self.capacity = capacity
        self.compileLimit = compileLimit
    }

    func compiled(_ gbnf: String) throws(GrammarError) -> CompiledGrammar {
        let (cached, vocabulary) = state.withLock { state -> (CompiledGrammar?, TokenVocabulary) in
            let vocabulary = state.vocabulary ?? tokenizer.grammarVocabulary()
            state.vocabulary = vocabulary
            guard let index = state.entries.firstIndex(where: { $0.gbnf == gbnf }) else { return (nil, vocabulary) }
            let entry = state.entries.remove(at: index)
            state.entries.append(entry)
            return (entry.grammar, vocabulary)
        }
        if let cached { return cached }
        // Outside the lock: another request's grammar need not wait for this one's.
        let compiled = try CompiledGrammar.compile(Grammar(gbnf: gbnf), vocabulary: vocabulary, within: compileLimit)
        state.withLock { state in
            state.entries.append((gbnf, compiled))
            if state.entries.count > capacity { state.entries.removeFirst() }
        }
        return compiled
    }
}
