import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

/// Reads one streamed completion where NIO reads it, on the connection's event loop: each piece of
/// the body is timed as it is read, with no hop to another thread first, and parsed at once.
final class CompletionStreamReader: HTTPClientResponseDelegate {
    typealias Response = RequestRecord

    private struct State {
        var status = 0
        var stream: StreamedCompletion
        /// The body of an answer other than 200, up to `refusalLimit` bytes.
        var refusal: [UInt8] = []
    }

    private let state: Mutex<State>
    private static let refusalLimit = 1 << 20

    init(start: ContinuousClock.Instant) {
        state = Mutex(State(stream: StreamedCompletion(start: start)))
    }

    /// How the stream said it ends, if it has: that stands even if the exchange fails afterwards.
    var outcome: RequestRecord? { state.withLock { $0.stream.outcome } }

    /// Whether the response began: before that, a connection closed under the request means the
    /// server never took it.
    var sawResponse: Bool { state.withLock { $0.status != 0 } }

    func didReceiveHead(task: HTTPClient.Task<RequestRecord>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        state.withLock { $0.status = Int(head.status.code) }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<RequestRecord>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        let arrival = ContinuousClock.now
        state.withLock { state in
            if state.status == 200 {
                state.stream.read(Array(buffer.readableBytesView), at: arrival)
            } else if state.refusal.count < Self.refusalLimit {
                state.refusal += buffer.readableBytesView.prefix(Self.refusalLimit - state.refusal.count)
            }
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<RequestRecord>) throws -> RequestRecord {
        state.withLock { state in
            state.status == 200 ? state.stream.ended : StreamedCompletion.refusal(status: state.status, body: state.refusal)
        }
    }
}
