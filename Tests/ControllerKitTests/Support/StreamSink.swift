import Dispatch
import LoomProtocol
import ZeroMQ

/// The benchmark's receiving end: sends `requests` REQUESTs and times every PARTIAL that comes
/// back against the send time the synthetic worker wrote as its text.
///
/// `.direct` plays a minimal controller (a ROUTER the worker connects to, LOOMW1); `.viaController`
/// is a LOOMC1 client of a real controller. Results are published once every request has ended.
final class StreamSink: SocketThreadHandler {
    enum Mode {
        case direct(bind: String)
        case viaController(clientEndpoint: String)
    }

    struct Results: Sendable {
        var partials = 0
        var ended = 0
        /// Nanoseconds from the worker's send to this sink's receipt, one per PARTIAL.
        var latencies: [UInt64] = []
        var firstPartial: UInt64 = 0
        var lastEnd: UInt64 = 0
    }

    let sockets: [Socket]
    private let mode: Mode
    private let requests: [GenerationRequest]
    private let published: Locked<Results?>
    private var results = Results()

    init(context: Context, mode: Mode, requests: [GenerationRequest], published: Locked<Results?>) throws {
        switch mode {
        case .direct(let endpoint):
            let router = try Socket(context, type: .router)
            try router.set(.sendHighWaterMark(0))
            try router.set(.receiveHighWaterMark(0))
            try router.bind(endpoint)
            sockets = [router]
        case .viaController(let endpoint):
            let dealer = try Socket(context, type: .dealer)
            try dealer.set(.receiveHighWaterMark(0))
            try dealer.connect(endpoint)
            sockets = [dealer]
            for request in requests { _ = try dealer.send(ClientMessage.request(request).encode()) }
        }
        self.mode = mode
        self.requests = requests
        self.published = published
        results.latencies.reserveCapacity(requests.reduce(0) { $0 + $1.sampling.maxTokens })
    }

    func handle(_ frames: [[UInt8]], from socket: Int) throws {
        let now = DispatchTime.now().uptimeNanoseconds
        switch mode {
        case .direct:
            guard frames.count > 1, let message = try? WorkerMessage.decode(Array(frames.dropFirst())) else { return }
            switch message {
            case .ready:
                for request in requests {
                    _ = try sockets[0].send([frames[0]] + WorkerMessage.request(request).encode())
                }
            case .partial(let partial): record(partial, at: now)
            case .final, .error: ended(at: now)
            default: break
            }
        case .viaController:
            switch try? ClientMessage.decode(frames) {
            case .partial(let partial)?: record(partial, at: now)
            case .final?, .error?: ended(at: now)
            default: break
            }
        }
    }

    private func record(_ partial: Partial, at now: UInt64) {
        if results.partials == 0 { results.firstPartial = now }
        results.partials += 1
        if let sent = UInt64(partial.text), sent <= now { results.latencies.append(now - sent) }
    }

    private func ended(at now: UInt64) {
        results.ended += 1
        results.lastEnd = now
        if results.ended == requests.count {
            let final = results
            published.update { $0 = final }
        }
    }

    func tick() throws {}

    func dropped(_ message: OutgoingMessage, error: ZMQError) {}
}
