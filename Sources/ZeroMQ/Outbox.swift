import CZeroMQ
import Glibc
import Synchronization

/// A bounded queue any thread can push outgoing messages into, for the one thread that owns the
/// sockets to send.
///
/// Pushing writes to an eventfd; the socket thread includes `fileDescriptor` in its `zmq_poll`,
/// wakes, and calls `drain()`. Closing the outbox wakes it too, which is how a `SocketThread` is
/// asked to stop.
public final class Outbox: Sendable {
    private struct State {
        var messages: [OutgoingMessage] = []
        var isClosed = false
    }

    /// The most messages held before `send` refuses more.
    public let capacity: Int
    /// The eventfd to poll for readability; owned (and closed) by the outbox.
    public let fileDescriptor: Int32
    private let state = Mutex(State())

    /// Creates an empty outbox holding at most `capacity` messages.
    public init(capacity: Int = 65_536) throws(ZMQError) {
        self.capacity = capacity
        fileDescriptor = try ZMQCall.checked("eventfd") { eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC)) }
    }

    deinit { close(fileDescriptor) }

    /// Queues `frames` for the socket at index `socket` and wakes the socket thread.
    /// - Returns: `false` if the outbox is full or closed (the message was not queued).
    public func send(_ frames: [[UInt8]], on socket: Int) -> Bool {
        let wasEmpty: Bool? = state.withLock { state in
            guard !state.isClosed, state.messages.count < capacity else { return nil }
            state.messages.append(OutgoingMessage(socket: socket, frames: frames))
            return state.messages.count == 1
        }
        guard let wasEmpty else { return false }
        // One wake per batch: the reader clears the eventfd before it takes the queue.
        if wasEmpty { wake() }
        return true
    }

    /// Refuses further messages and wakes the socket thread (which sees `isClosed`).
    public func closeAndWake() {
        state.withLock { $0.isClosed = true }
        wake()
    }

    /// Whether `closeAndWake()` was called.
    public var isClosed: Bool { state.withLock(\.isClosed) }

    /// Socket thread: clears the wake-up, then takes every queued message, oldest first.
    public func drain() -> [OutgoingMessage] {
        // Clear first: a push landing after the swap below then leaves a wake-up for the next poll.
        var counter: eventfd_t = 0
        _ = eventfd_read(fileDescriptor, &counter)
        return state.withLock { state in
            let taken = state.messages
            state.messages = []
            return taken
        }
    }

    private func wake() {
        // Fails only if the counter would overflow, which means a wake-up is pending anyway.
        _ = eventfd_write(fileDescriptor, 1)
    }
}
