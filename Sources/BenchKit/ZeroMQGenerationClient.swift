import ClientKit
import Foundation
import LoomProtocol
import Synchronization
import ZeroMQ

/// Sends REQUESTs over the controller's LOOMC1 socket: one DEALER on a socket thread, every
/// request in flight on it at once, replies matched by request id and timed as the socket thread
/// receives them. A request past its timeout is cancelled at the controller and recorded as
/// `timeout`.
public final class ZeroMQGenerationClient: GenerationClient {
    private let thread: SocketThread
    private let pending: PendingRequests
    private let timeout: Duration
    private let nextId = Atomic<Int>(0)

    public init(address: ControllerAddress, timeout: Duration) throws {
        let pending = PendingRequests()
        self.pending = pending
        self.timeout = timeout
        let endpoint = address.description
        thread = try SocketThread.start(name: "loom-bench-zmq", tickInterval: .milliseconds(100)) { context in
            try ReplyHandler(context: context, endpoint: endpoint, pending: pending)
        }
    }

    deinit { close() }

    public func generate(_ request: BenchRequest, model: String) async -> RequestRecord {
        let id = "bench-\(nextId.add(1, ordering: .relaxed).newValue)"
        let deadline = Date().addingTimeInterval(timeout.milliseconds / 1000)
        let message = ClientMessage.request(Self.generationRequest(
            request, id: id, model: model, deadlineUnixMs: Int(deadline.timeIntervalSince1970 * 1000)))
        return await withCheckedContinuation { continuation in
            pending.add(id, deadline: .now + timeout, continuation: continuation)
            if !thread.outbox.send(message.encode(), on: 0) {
                pending.end(id, .failure(kind: "client_closed", message: "the client's socket is closed"))
            }
        }
    }

    /// The REQUEST for `request`: its messages as a chat prompt, each image a body frame referred to
    /// by its index, in the order the messages show them.
    static func generationRequest(_ request: BenchRequest, id: String, model: String, deadlineUnixMs: Int) -> GenerationRequest {
        var imageCount = 0
        let messages = request.messages.map { message in
            let images = (imageCount..<imageCount + message.images.count).map { ContentPart.image($0) }
            imageCount += message.images.count
            return ChatMessage(role: message.role, parts: images + [.text(message.text)])
        }
        return GenerationRequest(
            id: id, model: model, deadlineUnixMs: deadlineUnixMs, prompt: .chat(messages),
            sampling: SamplingParameters(maxTokens: request.maxTokens, temperature: 0, ignoreEOS: true),
            images: request.images.map(\.bytes))
    }

    /// Stops the socket thread; requests still in flight end as `client_closed`.
    public func close() {
        thread.stop()
        pending.endAll(.failure(kind: "client_closed", message: "the client stopped"))
    }
}

/// Requests in flight, shared by the tasks that await them and the socket thread that ends them.
final class PendingRequests: Sendable {
    private struct Entry {
        var timeline: TokenTimeline
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<RequestRecord, Never>
    }

    private let entries = Mutex<[String: Entry]>([:])

    func add(_ id: String, deadline: ContinuousClock.Instant, continuation: CheckedContinuation<RequestRecord, Never>) {
        entries.withLock { $0[id] = Entry(timeline: TokenTimeline(start: .now), deadline: deadline, continuation: continuation) }
    }

    func tokensArrived(_ id: String, count: Int, text: String, at time: ContinuousClock.Instant) {
        entries.withLock { $0[id]?.timeline.tokensArrived(count, text: text, at: time) }
    }

    func finish(_ id: String, usage: Usage, at time: ContinuousClock.Instant) {
        end(id) { timeline in
            .success(timeline.timing(
                end: time, inputTokens: usage.promptTokens + usage.imageTokens, outputTokens: usage.completionTokens,
                cachedTokens: usage.cachedTokens))
        }
    }

    func end(_ id: String, _ record: RequestRecord) {
        end(id) { _ in record }
    }

    /// Ends every request past its deadline as `timeout`; their ids, to cancel.
    func expire(now: ContinuousClock.Instant) -> [String] {
        let expired = entries.withLock { entries in
            let ids = entries.filter { $0.value.deadline <= now }.map(\.key)
            return ids.compactMap { id in entries.removeValue(forKey: id).map { (id, $0) } }
        }
        for (_, entry) in expired {
            entry.continuation.resume(returning: .failure(kind: "timeout", message: "no end before the request timeout"))
        }
        return expired.map(\.0)
    }

    func endAll(_ record: RequestRecord) {
        let all = entries.withLock { entries in
            defer { entries.removeAll() }
            return Array(entries.values)
        }
        for entry in all { entry.continuation.resume(returning: record) }
    }

    private func end(_ id: String, _ makeRecord: (TokenTimeline) -> RequestRecord) {
        guard let entry = entries.withLock({ $0.removeValue(forKey: id) }) else { return }
        entry.continuation.resume(returning: makeRecord(entry.timeline))
    }
}

/// The socket thread's side: the DEALER, replies in, cancels out.
private final class ReplyHandler: SocketThreadHandler {
    let sockets: [Socket]
    private let pending: PendingRequests

    init(context: Context, endpoint: String, pending: PendingRequests) throws {
        let dealer = try Socket(context, type: .dealer)
        try dealer.set(.receiveHighWaterMark(0))
        try dealer.connect(endpoint)
        sockets = [dealer]
        self.pending = pending
    }

    func handle(_ frames: [[UInt8]], from socket: Int) throws {
        let arrival = ContinuousClock.now
        guard let message = try? ClientMessage.decode(frames) else { return }
        switch message {
        case .partial(let partial):
            pending.tokensArrived(partial.requestId, count: partial.tokens.count, text: partial.text, at: arrival)
        case .final(let final): pending.finish(final.requestId, usage: final.usage, at: arrival)
        case .error(let error): pending.end(error.requestId, .failure(kind: error.code.name, message: error.message))
        case .request, .cancel, .status, .statusReply: break
        }
    }

    func tick() throws {
        for id in pending.expire(now: .now) {
            _ = try? sockets[0].send(ClientMessage.cancel(requestId: id).encode(), blocking: false)
        }
    }

    func dropped(_ message: OutgoingMessage, error: ZMQError) {}
}
