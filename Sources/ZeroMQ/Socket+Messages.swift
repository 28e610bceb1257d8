import CZeroMQ

extension Socket {
    /// Sends a multipart message, one frame per element (ROUTER: the first frame is the peer's
    /// routing id). libzmq delivers all frames or none.
    ///
    /// - Parameter blocking: when `false`, a message that cannot be queued at once (high-water mark
    ///   reached, no peer) is not sent and `false` is returned. When `true`, waits for room, up to
    ///   the `.sendTimeout` if one is set (`false` when it elapses).
    /// - Returns: whether the message was queued.
    /// - Throws: `EINVAL` for an empty message; `EHOSTUNREACH` from a ROUTER with
    ///   `.routerMandatory` for an unknown routing id; `ETERM` once the context is shut down.
    @discardableResult
    public func send(_ frames: [[UInt8]], blocking: Bool = true) throws(ZMQError) -> Bool {
        guard let last = frames.indices.last else {
            throw ZMQError(code: EINVAL, call: "zmq_send", message: "a message needs at least one frame")
        }
        let handle = try openHandle("zmq_send")
        let wait = blocking ? 0 : ZMQ_DONTWAIT
        for (index, frame) in frames.enumerated() {
            let flags = wait | (index == last ? 0 : ZMQ_SNDMORE)
            let sent = try ZMQCall.checkedUnlessWouldBlock("zmq_send") {
                frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
            }
            // Only the first frame can be refused: once it is queued, libzmq takes the rest.
            if sent == nil {
                guard index == 0 else { throw ZMQError(code: EAGAIN, call: "zmq_send") }
                return false
            }
        }
        return true
    }

    /// Receives one multipart message, all its frames.
    ///
    /// - Parameter blocking: when `false`, returns `nil` at once if no message is waiting. When
    ///   `true`, waits, up to the `.receiveTimeout` if one is set (`nil` when it elapses).
    /// - Throws: `ETERM` once the context is shut down.
    public func receive(blocking: Bool = true) throws(ZMQError) -> [[UInt8]]? {
        try receiveMessage(blocking: blocking)?.frames
    }

    /// Receives one multipart message as `receive(blocking:)` does, with the file descriptor of
    /// the connection it arrived on.
    public func receiveMessage(blocking: Bool = true) throws(ZMQError) -> ReceivedMessage? {
        let handle = try openHandle("zmq_msg_recv")
        let message = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: 1)
        defer { message.deallocate() }
        // zmq_msg_init cannot fail; the message must be closed whatever happens next.
        zmq_msg_init(message)
        defer { zmq_msg_close(message) }

        var frames: [[UInt8]] = []
        let flags = blocking ? 0 : ZMQ_DONTWAIT
        repeat {
            let size = try ZMQCall.checkedUnlessWouldBlock("zmq_msg_recv") {
                zmq_msg_recv(message, handle, flags)
            }
            // The frames of a message arrive together, so only the first can be missing.
            guard let size else {
                guard frames.isEmpty else { throw ZMQError(code: EAGAIN, call: "zmq_msg_recv") }
                return nil
            }
            frames.append(Array(UnsafeRawBufferPointer(start: zmq_msg_data(message), count: Int(size))))
        } while zmq_msg_more(message) == 1
        // Every frame carries its connection's metadata; -1 when there is none (inproc).
        let descriptor = zmq_msg_get(message, ZMQ_SRCFD)
        return ReceivedMessage(frames: frames, sourceDescriptor: descriptor >= 0 ? descriptor : nil)
    }

    /// Waits up to `timeout` for a message and receives it; `nil` if none came in time.
    public func receive(timeout: Duration) throws(ZMQError) -> [[UInt8]]? {
        var pollSet = PollSet()
        try pollSet.add(self)
        guard try pollSet.poll(timeout: timeout) > 0 else { return nil }
        return try receive(blocking: false)
    }
}
