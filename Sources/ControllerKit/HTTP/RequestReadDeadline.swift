import NIOCore
import NIOHTTPTypes

/// A client must send each request whole, head and body, within `timeout` of opening its
/// connection or of the previous response's end; else the connection is closed. An idle timeout
/// would not do: a client sending a byte every few seconds is never idle. A request whose body was
/// being read ends with `HTTPReadTimeout`, which its handler answers (`FrontDoor.read`).
final class RequestReadDeadline: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: Duration
    private var timer: Scheduled<Void>?
    /// Requests read whole, and responses ended: while they differ, a response is owed and the
    /// next request (if any) has not begun to count.
    private var requestsRead = 0, responsesEnded = 0

    init(timeout: Duration) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        arm(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) {
            requestsRead += 1
            timer?.cancel()
            timer = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            responsesEnded += 1
            if responsesEnded >= requestsRead { arm(context) }
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard timer == nil else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) { [self] in
            timer = nil
            context.fireErrorCaught(HTTPReadTimeout(timeout: timeout))
            context.close(promise: nil)
        }
    }
}

/// A request was not read whole within the front door's read timeout.
struct HTTPReadTimeout: Error {
    let timeout: Duration
}
