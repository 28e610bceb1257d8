import Dispatch
import Logging
import LoomProtocol
import Synchronization
import ZeroMQ

/// The relay on its socket thread: owns the thread that holds the workers' and clients' ROUTERs and
/// runs the `Relay`, and is how other threads reach it: submit HTTP requests, read snapshots,
/// reload keys, shut it down.
public final class SocketRelay: Sendable {
    public let configuration: ControllerConfiguration
    /// Where the relay records its metrics, and what `GET /metrics` serves.
    public let metrics: MetricsBackend
    /// The workers' endpoint as bound: a `tcp://…:*` comes back with its port.
    public let workerEndpoint: String
    /// The clients' endpoint as bound.
    public let clientEndpoint: String
    private let thread: SocketThread
    private let streams: HTTPStreams
    private let board: SnapshotBoard
    private let shutDown: DispatchSemaphore
    private let access: AccessLists?
    private let stopped = Atomic(false)
    private let submitted = Atomic<UInt64>(0)

    /// Binds the sockets and starts the socket thread, recording metrics into `metrics` (by default
    /// a registry of its own).
    /// - Throws: `CurveKeyFileError` for an allow-list that cannot be read; what binding threw.
    public static func start(
        _ configuration: ControllerConfiguration, metrics: MetricsBackend = MetricsBackend(), logger: Logger
    ) throws -> SocketRelay {
        let access = try configuration.security.map { security throws in try AccessLists(security) }
        let streams = HTTPStreams()
        let board = SnapshotBoard()
        let shutDown = DispatchSemaphore(value: 0)
        let thread = try SocketThread.start(
            name: "loom-controller", tickInterval: configuration.tickInterval,
            outboxCapacity: configuration.maxQueue + 4096
        ) { context in
            try RelaySocketHandler(
                context: context, configuration: configuration, metrics: metrics.factory, streams: streams, board: board,
                shutDown: shutDown, access: access, logger: logger)
        }
        return SocketRelay(
            configuration: configuration, metrics: metrics, thread: thread, streams: streams, board: board,
            shutDown: shutDown, access: access)
    }

    private init(
        configuration: ControllerConfiguration, metrics: MetricsBackend, thread: SocketThread, streams: HTTPStreams,
        board: SnapshotBoard, shutDown: DispatchSemaphore, access: AccessLists?
    ) {
        self.configuration = configuration
        self.metrics = metrics
        self.thread = thread
        self.streams = streams
        self.board = board
        self.shutDown = shutDown
        self.access = access
        workerEndpoint = thread.endpoints[RelaySocketHandler.Index.workers]
        clientEndpoint = thread.endpoints[RelaySocketHandler.Index.clients]
    }

    deinit { shutdown() }

    /// The state as of the last tick.
    public var snapshot: ControllerSnapshot { board.latest }

    /// Whether the socket thread is running.
    public var isRunning: Bool { thread.isRunning }

    /// Submits a request from the HTTP front door (its id is replaced by one of the controller's);
    /// the stream yields its replies and ends after FINAL or ERROR. Dropping the stream before
    /// then cancels the request.
    public func submit(_ request: GenerationRequest) -> GenerationStream {
        var request = request
        let requestId = "h" + String(submitted.add(1, ordering: .relaxed).newValue, radix: 36)
        request.id = requestId
        let outbox = thread.outbox
        let stream = streams.makeStream(for: requestId) {
            _ = outbox.send(ControlMessage.fromHTTP(ClientMessage.cancel(requestId: requestId).encode()).frames, on: RelaySocketHandler.Index.outbox)
        }
        let frames = ClientMessage.request(request).encode()
        // The socket thread decodes the message within the wire's limits, and a refusal there cannot
        // name this stream: a request past them (a prompt over 1 MiB, a 300-byte model name) would
        // get no answer at all. Refuse it here instead.
        do {
            _ = try ClientMessage.decode(frames, limits: configuration.limits)
        } catch {
            let refusal = RequestError(requestId: requestId, code: .badRequest, message: error.sentence.message)
            _ = streams.deliver(ClientMessage.error(refusal).encode(), to: requestId, ends: true)
            return GenerationStream(stream, requestId: requestId)
        }
        if !outbox.send(ControlMessage.fromHTTP(frames).frames, on: RelaySocketHandler.Index.outbox) {
            let error = RequestError(requestId: requestId, code: .overloaded, message: "the controller's inbox is full; retry later")
            _ = streams.deliver(ClientMessage.error(error).encode(), to: requestId, ends: true)
        }
        return GenerationStream(stream, requestId: requestId)
    }

    /// Reads the CURVE allow-lists again (SIGHUP): connections made from now on are judged by the
    /// new lists; those already let in stay. On error the lists in force stay.
    /// - Returns: the keys now listed, or `nil` when CURVE is off.
    public func reloadKeys() throws(CurveKeyFileError) -> KeyCounts? {
        try access?.reload()
    }

    /// The keys the CURVE allow-lists hold now; `nil` when CURVE is off.
    public var keyCounts: KeyCounts? { access?.counts }

    /// Tells the workers DISCONNECT shutdown, ends every request with ERROR cancelled, closes the
    /// sockets and stops the thread. Safe to call more than once.
    public func shutdown() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if thread.outbox.send(ControlMessage.shutdown.frames, on: RelaySocketHandler.Index.outbox) {
            _ = shutDown.wait(timeout: .now() + .seconds(2))
        }
        thread.stop()
        streams.finishAll()
    }
}
