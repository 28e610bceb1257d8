import Dispatch
import Foundation
import Synchronization

/// A dedicated thread that owns a set of sockets and runs their poll loop: the base of the
/// worker's comms thread and of the controller's message loop.
///
/// `start` launches a `Thread` (never the cooperative pool, whose few threads must not block in
/// `zmq_poll`), builds the handler there with the thread's `Context`, and returns once it is
/// ready, or throws what the factory threw (e.g. a failed bind). The loop then:
/// - hands each incoming multipart message to `SocketThreadHandler.handle(_:from:sourceDescriptor:)`;
/// - sends what other threads queue in `outbox`, without blocking;
/// - calls `SocketThreadHandler.tick()` every `tickInterval`.
///
/// `stop` closes the outbox (which wakes the loop), lets the loop send what was queued and
/// close its sockets (with their LINGER, zero unless the handler set it), and waits for the
/// thread. Should the handler be stuck in a blocking call, the context is shut down after a grace
/// period, which makes that call fail with `ETERM`. The context is terminated when the last
/// reference to it goes.
public final class SocketThread: Sendable {
    /// The context of the loop's sockets; others may use it for `inproc://` peers.
    public let context: Context
    /// Where any thread queues messages for the loop to send.
    public let outbox: Outbox
    /// What each of the handler's sockets last bound or connected to (ZMQ_LAST_ENDPOINT), in
    /// `sockets` order: the real port of a `tcp://…:*` bind.
    public let endpoints: [String]

    private let exit: Exit

    /// Starts a socket thread named `name`.
    /// - Parameters:
    ///   - tickInterval: how often `tick()` runs.
    ///   - outboxCapacity: the most outgoing messages queued before `Outbox.send` refuses.
    ///   - makeHandler: runs on the new thread: make the sockets (bind, connect, options) and the
    ///     handler owning them.
    /// - Throws: what `makeHandler` threw, or a `ZMQError` from setting up the context or outbox.
    public static func start<Handler: SocketThreadHandler>(
        name: String,
        tickInterval: Duration = .seconds(1),
        outboxCapacity: Int = 65_536,
        makeHandler: @escaping @Sendable (Context) throws -> Handler
    ) throws -> SocketThread {
        let context = try Context()
        let outbox = try Outbox(capacity: outboxCapacity)
        let exit = Exit()
        let setup = Handoff<[String]>()
        let thread = Thread {
            exit.markStarted()
            let handler: Handler
            var loop: SocketLoop<Handler>
            do {
                handler = try makeHandler(context)
                loop = try SocketLoop(handler: handler, outbox: outbox, tickInterval: tickInterval)
                setup.put(.success(try handler.sockets.map { socket throws(ZMQError) in try socket.lastEndpoint }))
            } catch {
                setup.put(.failure(error))
                return
            }
            let error = run(&loop, outbox: outbox)
            // A loop ended by its handler takes no more messages either.
            outbox.closeAndWake()
            for socket in handler.sockets { socket.close() }
            exit.finish(with: error)
        }
        thread.name = name
        thread.start()
        let endpoints = try setup.take().get()
        return SocketThread(context: context, outbox: outbox, endpoints: endpoints, exit: exit)
    }

    private init(context: Context, outbox: Outbox, endpoints: [String], exit: Exit) {
        self.context = context
        self.outbox = outbox
        self.endpoints = endpoints
        self.exit = exit
    }

    /// Runs the loop; the error that ended it, or `nil` for an exit `stop` asked for.
    private static func run<Handler>(_ loop: inout SocketLoop<Handler>, outbox: Outbox) -> (any Error)? {
        do {
            try loop.run()
            return nil
        } catch let error as ZMQError where error.isContextTerminated && outbox.isClosed {
            // `stop` shut the context down after its grace period.
            return nil
        } catch {
            return error
        }
    }

    /// Asks the loop to stop without waiting for it.
    deinit { outbox.closeAndWake() }

    /// Whether the loop is still running (it ends on `stop` or when the handler throws).
    public var isRunning: Bool { !exit.hasFinished }

    /// Stops the loop and waits for its thread to end; safe to call more than once, from any
    /// thread. Called from the handler, on the socket thread, it only asks: the loop ends once the
    /// handler returns, and `nil` is returned at once.
    /// - Parameter grace: how long the loop gets to finish on its own before the context is shut
    ///   down under it.
    /// - Returns: the error that ended the loop, or `nil` if it ended because it was asked to.
    @discardableResult
    public func stop(grace: Duration = .seconds(1)) -> (any Error)? {
        outbox.closeAndWake()
        guard !exit.isCurrentThread else { return nil }
        if !exit.wait(for: grace) {
            context.shutdown()
            _ = exit.wait(for: nil)
        }
        return exit.error
    }
}
