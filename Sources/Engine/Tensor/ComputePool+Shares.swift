extension ComputePool {
    /// Splits `0..<count` into one contiguous share per thread (fewer when `count` is smaller) and runs
    /// `body` on each, concurrently. `body` reads shared inputs and writes only what its share owns
    /// (rows or columns of raw buffers): that contract, not the type system, makes the calls safe.
    func forEachShare(of count: Int, _ body: (_ share: Range<Int>) -> Void) {
        let parts = min(threadCount, count)
        parallelFor(parts) { part in body(Self.share(of: count, part: part, parts: parts)) }
    }

    /// Share `part` of `0..<count` split into `parts`: in order, sizes differing by at most one.
    static func share(of count: Int, part: Int, parts: Int) -> Range<Int> {
        count * part / parts..<count * (part + 1) / parts
    }
}
