import Synchronization

/// The replies of the HTTP front door's requests in flight: one bounded AsyncStream per request,
/// fed by the socket thread with the LOOMC1 frames relayed for it, decoded by the HTTP task that
/// reads it. A stream the reader abandons (client gone) runs its `onAbandon`.
final class HTTPStreams: Sendable {
    typealias Stream = AsyncStream<[[UInt8]]>

    private let open = Mutex<[String: Stream.Continuation]>([:])
    /// Replies buffered per request before the reader is deemed too slow and the request cancelled.
    let bufferLimit: Int

    init(bufferLimit: Int = 65_536) {
        self.bufferLimit = bufferLimit
    }

    /// A new stream for `requestId`; `onAbandon` runs if the reader lets go before its end.
    func makeStream(for requestId: String, onAbandon: @escaping @Sendable () -> Void) -> Stream {
        let (stream, continuation) = Stream.makeStream(bufferingPolicy: .bufferingOldest(bufferLimit))
        continuation.onTermination = { [weak self] termination in
            guard case .cancelled = termination, self?.remove(requestId) != nil else { return }
            onAbandon()
        }
        open.withLock { $0[requestId] = continuation }
        return stream
    }

    /// Socket thread: hands one reply to its reader; `false` if the reader is gone or too slow
    /// (then the request should be cancelled).
    func deliver(_ frames: [[UInt8]], to requestId: String, ends: Bool) -> Bool {
        guard let continuation = open.withLock({ ends ? $0.removeValue(forKey: requestId) : $0[requestId] }) else {
            return false
        }
        guard case .enqueued = continuation.yield(frames) else {
            remove(requestId)?.finish()
            return false
        }
        if ends { continuation.finish() }
        return true
    }

    /// Ends every stream (the controller stopped); readers see the end without a FINAL.
    func finishAll() {
        let all = open.withLock { table in
            defer { table.removeAll() }
            return Array(table.values)
        }
        for continuation in all { continuation.finish() }
    }

    @discardableResult
    private func remove(_ requestId: String) -> Stream.Continuation? {
        open.withLock { $0.removeValue(forKey: requestId) }
    }
}
