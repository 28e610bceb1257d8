import CZeroMQ

/// The poll loop a `SocketThread` runs: wait on the handler's sockets and the outbox's eventfd,
/// send what the outbox holds, hand incoming messages to the handler, tick on schedule. Returns
/// once the outbox is closed, after sending what was queued before.
struct SocketLoop<Handler: SocketThreadHandler> {
    /// Messages received from one socket per wake-up before the others get a turn.
    private static var receiveBudget: Int { 256 }

    private let handler: Handler
    private let sockets: [Socket]
    private let outbox: Outbox
    private let tickInterval: Duration
    private var pollSet = PollSet()
    private let outboxIndex: Int

    init(handler: Handler, outbox: Outbox, tickInterval: Duration) throws(ZMQError) {
        self.handler = handler
        self.sockets = handler.sockets
        self.outbox = outbox
        self.tickInterval = tickInterval
        for socket in sockets {
            try pollSet.add(socket)
        }
        outboxIndex = pollSet.add(fileDescriptor: outbox.fileDescriptor)
    }

    mutating func run() throws {
        let clock = ContinuousClock()
        var nextTick = clock.now + tickInterval
        while true {
            try pollSet.poll(timeout: max(.zero, clock.now.duration(to: nextTick)))
            if pollSet.events(at: outboxIndex).contains(.readable) {
                // Read before draining: nothing can be queued once the outbox is closed.
                let closing = outbox.isClosed
                try sendQueued()
                if closing { return }
            }
            for index in sockets.indices where pollSet.events(at: index).contains(.readable) {
                try receiveWaiting(on: index)
            }
            if clock.now >= nextTick {
                try handler.tick()
                nextTick = clock.now + tickInterval
            }
        }
    }

    private func receiveWaiting(on index: Int) throws {
        for _ in 0..<Self.receiveBudget {
            guard let message = try sockets[index].receiveMessage(blocking: false) else { return }
            try handler.handle(message.frames, from: index, sourceDescriptor: message.sourceDescriptor)
        }
    }

    /// Sends the queued messages without blocking; failures go to the handler, except a
    /// terminated context, which ends the loop.
    private func sendQueued() throws(ZMQError) {
        for message in outbox.drain() {
            guard sockets.indices.contains(message.socket) else {
                let error = ZMQError(code: EINVAL, call: "Outbox", message: "no socket at index \(message.socket)")
                handler.dropped(message, error: error)
                continue
            }
            do throws(ZMQError) {
                if try !sockets[message.socket].send(message.frames, blocking: false) {
                    handler.dropped(message, error: ZMQError(code: EAGAIN, call: "zmq_send"))
                }
            } catch where !error.isContextTerminated {
                handler.dropped(message, error: error)
            }
        }
    }
}
