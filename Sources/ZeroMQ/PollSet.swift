import CZeroMQ

/// A set of sockets and raw file descriptors waited on together with `zmq_poll`.
///
/// Build it once and poll it in a loop; `events(at:)` reports what each entry is ready for.
/// It holds its sockets, so they stay alive while it does (poll them on their own thread).
public struct PollSet {
    private var items: [zmq_pollitem_t] = []
    private var sockets: [Socket?] = []

    /// An empty set.
    public init() {}

    /// The number of entries.
    public var count: Int { items.count }

    /// Adds a socket to wait on; returns its index in the set.
    @discardableResult
    public mutating func add(_ socket: Socket, events: PollEvents = .readable) throws(ZMQError) -> Int {
        let handle = try socket.openHandle("zmq_poll")
        return append(zmq_pollitem_t(socket: handle, fd: 0, events: events.rawValue, revents: 0), socket)
    }

    /// Adds a raw file descriptor (an eventfd, a pipe, a TCP socket) to wait on; returns its index.
    @discardableResult
    public mutating func add(fileDescriptor: Int32, events: PollEvents = .readable) -> Int {
        append(zmq_pollitem_t(socket: nil, fd: fileDescriptor, events: events.rawValue, revents: 0), nil)
    }

    /// Waits until an entry is ready or `timeout` passes (`nil` waits forever).
    /// - Returns: how many entries are ready (0 on timeout).
    /// - Throws: `ETERM` once the context of a socket in the set is shut down; `ENOTSOCK` if one
    ///   of its sockets was closed.
    @discardableResult
    public mutating func poll(timeout: Duration?) throws(ZMQError) -> Int {
        guard sockets.allSatisfy({ $0?.isOpen ?? true }) else {
            throw ZMQError(code: ENOTSOCK, call: "zmq_poll", message: "a socket in the poll set was closed")
        }
        let count = Int32(items.count)
        let milliseconds = Int(timeout.zmqMillisecondsOrInfinite)
        return Int(try items.withUnsafeMutableBufferPointer { buffer throws(ZMQError) in
            try ZMQCall.checked("zmq_poll") { zmq_poll(buffer.baseAddress, count, milliseconds) }
        })
    }

    /// What the entry at `index` was found ready for by the last `poll`.
    public func events(at index: Int) -> PollEvents {
        PollEvents(rawValue: items[index].revents)
    }

    private mutating func append(_ item: zmq_pollitem_t, _ socket: Socket?) -> Int {
        items.append(item)
        sockets.append(socket)
        return items.count - 1
    }
}
