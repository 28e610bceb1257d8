import CZeroMQ

extension Socket {
    /// Reports this socket's `events` on a PAIR socket libzmq binds at `endpoint` (an `inproc://`
    /// name): connect a `.pair` socket there and read each message as a `SocketEvent`
    /// (`zmq_socket_monitor`). Events happening before the reader connects are lost.
    public func monitor(_ endpoint: String, events: SocketEvent.Kind) throws(ZMQError) {
        let handle = try openHandle("zmq_socket_monitor")
        try ZMQCall.checked("zmq_socket_monitor(\(endpoint))") {
            zmq_socket_monitor(handle, endpoint, Int32(events.rawValue))
        }
    }
}
