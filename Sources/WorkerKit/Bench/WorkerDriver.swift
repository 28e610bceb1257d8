import Foundation
import LoomProtocol
import ZeroMQ

/// Plays the controller for one worker over a real ROUTER socket: binds, heartbeats the worker,
/// sends it requests and hands back what it streams. For `bench-serve` and the tests; not thread-safe
/// (one thread owns the socket).
public final class WorkerDriver {
    private let context: Context
    private var router: Socket
    /// Where workers connect (the real port of a `tcp://…:*` bind).
    public let endpoint: String
    public private(set) var worker: [UInt8]?
    public private(set) var registrations: [Registration] = []
    public private(set) var loads: [WorkerLoad] = []
    private var lastBeat = ContinuousClock.now
    public var heartbeat: Duration = .milliseconds(100)

    public init(endpoint: String = "tcp://127.0.0.1:*") throws {
        context = try Context()
        router = try Self.makeRouter(context)
        self.endpoint = try router.bind(endpoint)
    }

    private static func makeRouter(_ context: Context) throws -> Socket {
        let router = try Socket(context, type: .router)
        try router.set(.routerMandatory(true))
        try router.set(.sendHighWaterMark(100_000))
        return router
    }

    /// Closes the socket and binds a new one on the same endpoint: a controller restart.
    public func rebind() throws {
        router.close()
        router = try Self.makeRouter(context)
        // libzmq releases the old listener on its I/O thread, a moment after close returns.
        var attempts = 0
        while true {
            do {
                try router.bind(endpoint)
                return
            } catch {
                attempts += 1
                guard error.code == EADDRINUSE, attempts < 100 else { throw error }
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
    }

    public func send(_ message: WorkerMessage) throws {
        try sendRaw(message.encode())
    }

    /// Sends frames as they are (malformed ones included) to the last worker heard from.
    public func sendRaw(_ frames: [[UInt8]]) throws {
        guard let worker else { return }
        try router.send([worker] + frames)
    }

    /// Receives for up to `timeout`, heartbeating the worker, calling `handle` with every message and
    /// its arrival time (and with nil every few milliseconds when none came) until it returns true.
    /// Returns whether it did.
    public func pump(for timeout: Duration, until handle: (WorkerMessage?, ContinuousClock.Instant) throws -> Bool) throws -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if ContinuousClock.now - lastBeat > heartbeat {
                try? send(.heartbeat(nil))
                lastBeat = .now
            }
            guard let frames = try router.receive(timeout: .milliseconds(5)) else {
                if try handle(nil, .now) { return true }
                continue
            }
            let now = ContinuousClock.now
            worker = frames[0]
            let message = try WorkerMessage.decode(Array(frames.dropFirst()))
            switch message {
            case .ready(let r): registrations.append(r)
            case .heartbeat(let load?): loads.append(load)
            default: break
            }
            if try handle(message, now) { return true }
        }
        return false
    }

    /// Waits for the worker's READY.
    public func waitForRegistration(timeout: Duration = .seconds(30)) throws -> Registration? {
        _ = try pump(for: timeout) { message, _ in if case .ready = message { true } else { false } }
        return registrations.last
    }
}
