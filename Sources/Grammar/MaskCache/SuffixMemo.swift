import Synchronization

/// The tokens a mask's context-dependent suffixes allow over a given stack below it, remembered
/// across steps and matchers: generation inside a JSON string repeats the same stacks token after
/// token, so the suffix walk runs once per string rather than once per step.
final class SuffixMemo: Sendable {
    struct Key: Hashable, Sendable {
        /// An index in `CompiledGrammar.masks` (positions may share one).
        let mask: Int32
        let below: ArraySlice<Int32>
    }

    private struct State {
        var entries: [Key: [Int32]] = [:]
        var storedTokens = 0
    }

    private let state = Mutex(State())

    /// Bounded (about 4 MiB of token ids) so that a long run of distinct stacks cannot grow it without
    /// limit: past this it starts over.
    static let capacity = 1 << 20

    func tokens(for key: Key, compute: () -> [Int32]) -> [Int32] {
        if let hit = state.withLock({ $0.entries[key] }) { return hit }
        let tokens = compute()
        state.withLock {
            if $0.storedTokens + tokens.count + $0.entries.count > Self.capacity { $0 = State() }
            $0.entries[key] = tokens
            $0.storedTokens += tokens.count
        }
        return tokens
    }
}
