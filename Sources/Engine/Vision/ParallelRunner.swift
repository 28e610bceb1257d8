import Dispatch

/// Runs a body once per part, the parts on separate threads (the caller's among them), and returns
/// when all are done. Work is split by part index, never by thread, so per-part scratch is safe.
struct ParallelRunner {
    let parts: Int

    /// The body reads shared inputs and writes only what its part owns (rows, panels or heads of raw
    /// buffers); that contract, not the type system, is what makes the concurrent calls safe, hence the
    /// unchecked wrapper.
    func run(_ body: (Int) -> Void) {
        if parts == 1 { return body(0) }
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(value: body)
            DispatchQueue.concurrentPerform(iterations: parts) { shared.value($0) }
        }
    }

    /// The share of `0..<count` that `part` handles.
    func range(of count: Int, part: Int) -> Range<Int> {
        count * part / parts..<count * (part + 1) / parts
    }
}

private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
}
