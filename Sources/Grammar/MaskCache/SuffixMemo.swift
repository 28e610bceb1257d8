import Synchronization

/// The tokens a position's context-dependent suffixes allow over a given stack below it, remembered
/// across steps and matchers: generation inside a JSON string repeats the same stacks token after
/// token, so the suffix walk runs once per string rather than once per step.
final class SuffixMemo: Sendable {
    struct Key: Hashable, Sendable {
        let position: Int32
        let below: ArraySlice<Int32>
    }

    private let entries = Mutex<[Key: [Int32]]>([:])

    /// Bounded so that a long run of distinct stacks cannot grow it without limit: it starts over.
    static let capacity = 4096

    func tokens(for key: Key, compute: () -> [Int32]) -> [Int32] {
        if let hit = entries.withLock({ $0[key] }) { return hit }
        let tokens = compute()
        entries.withLock {
            if $0.count >= Self.capacity { $0.removeAll(keepingCapacity: true) }
            $0[key] = tokens
        }
        return tokens
    }
}
