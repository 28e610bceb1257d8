import CZeroMQ

extension Socket {
    /// Sets one option (see `SocketOption`); libzmq's refusal (e.g. `EINVAL` for a malformed
    /// CURVE key) is thrown.
    public func set(_ option: SocketOption) throws(ZMQError) {
        let (code, name, value) = option.encoded
        let call = "zmq_setsockopt(\(name))"
        let handle = try openHandle(call)
        try ZMQCall.checked(call) {
            switch value {
            case .int32(var number): zmq_setsockopt(handle, code, &number, MemoryLayout<Int32>.size)
            case .int64(var number): zmq_setsockopt(handle, code, &number, MemoryLayout<Int64>.size)
            case .bytes(let bytes): bytes.withUnsafeBytes { zmq_setsockopt(handle, code, $0.baseAddress, $0.count) }
            }
        }
    }

    /// The endpoint last bound or connected (ZMQ_LAST_ENDPOINT), with the real port for `*`.
    public var lastEndpoint: String {
        get throws(ZMQError) {
            var buffer = [UInt8](repeating: 0, count: 1024)
            var size = buffer.count
            let call = "zmq_getsockopt(ZMQ_LAST_ENDPOINT)"
            let handle = try openHandle(call)
            try ZMQCall.checked(call) { zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) }
            return String(decoding: buffer.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }

    /// The file descriptor libzmq signals when this socket's events change (ZMQ_FD). It is
    /// edge-triggered: after it fires, read `events` and handle everything before waiting again.
    public var fileDescriptor: Int32 {
        get throws(ZMQError) { try getInt32(ZMQ_FD, name: "ZMQ_FD") }
    }

    /// Whether a message can be received or sent now without blocking (ZMQ_EVENTS).
    public var events: PollEvents {
        get throws(ZMQError) {
            PollEvents(rawValue: Int16(truncatingIfNeeded: try getInt32(ZMQ_EVENTS, name: "ZMQ_EVENTS")))
        }
    }

    private func getInt32(_ code: Int32, name: String) throws(ZMQError) -> Int32 {
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        let call = "zmq_getsockopt(\(name))"
        let handle = try openHandle(call)
        try ZMQCall.checked(call) { zmq_getsockopt(handle, code, &value, &size) }
        return value
    }
}
