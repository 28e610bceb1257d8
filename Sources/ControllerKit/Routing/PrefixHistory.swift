/// The prompt keys the controller recently routed to each worker, so a request that shares a long
/// prefix with one of them goes to the same worker, whose prefix cache likely holds that prefix's KV:
/// an approximate picture of each worker's cache, kept where the routing happens, the way SGLang's
/// router keeps one (docs/controller.md says why not the workers' own report). A bounded list per
/// worker, compared byte by byte: a few dozen keys of up to 64 KiB, under a millisecond.
struct PrefixHistory: Sendable {
    private var keys: [String: [[UInt8]]] = [:]
    let limit: Int

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    mutating func record(_ key: [UInt8], for worker: String) {
        guard !key.isEmpty else { return }
        var list = keys[worker, default: []]
        list.removeAll { $0 == key }
        list.append(key)
        if list.count > limit { list.removeFirst(list.count - limit) }
        keys[worker] = list
    }

    mutating func forget(_ worker: String) {
        keys[worker] = nil
    }

    /// The longest common prefix of `key` with any key routed to `worker`.
    func longestMatch(_ key: [UInt8], on worker: String) -> Int {
        keys[worker, default: []].reduce(0) { best, stored in max(best, Self.commonPrefix(key, stored)) }
    }

    private static func commonPrefix(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let count = min(a.count, b.count)
        var index = 0
        while index < count && a[index] == b[index] { index += 1 }
        return index
    }
}
