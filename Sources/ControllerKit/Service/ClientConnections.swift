import ZeroMQ

/// Which ZeroMQ client is on which TCP connection of the clients' ROUTER, so that a connection's
/// close (the monitor's `disconnected` event) names the client that left. A value type fed events
/// in the order the socket thread reads them; it does no I/O.
///
/// One connection carries one peer, so each file descriptor maps to one routing id, learnt from the
/// source descriptor of the peer's messages. File descriptors are reused: the monitor reports a
/// connection's `disconnected` before its descriptor is closed, and the next connection given that
/// number is `accepted` after it, in the same event stream. The socket thread reads every waiting
/// event before it attributes a client message, and a connection's `accepted` is emitted before
/// any message of it can arrive; so a message on a reused descriptor is never taken for the old
/// connection's, and the old connection's close never cancels the new peer. A message read after
/// its connection's `disconnected` and before any new `accepted` on that descriptor (a request sent
/// just before the close) is from a client already gone.
struct ClientConnections {
    private var peers: [Int32: [UInt8]] = [:]
    /// Descriptors whose connection closed, with no new connection accepted on them since.
    private var closed: Set<Int32> = []

    /// Connections being tracked (for tests).
    var count: Int { peers.count }

    /// A monitor event; the routing id of the client whose connection closed, if one is known.
    mutating func apply(_ event: SocketEvent) -> [UInt8]? {
        let descriptor = event.fileDescriptor
        if event.kind == .accepted {
            // A new connection on this number: whatever was recorded for it was the old one's.
            peers[descriptor] = nil
            closed.remove(descriptor)
            return nil
        }
        if event.kind == .disconnected {
            closed.insert(descriptor)
            return peers.removeValue(forKey: descriptor)
        }
        return nil
    }

    /// A message from `routingId` arrived on `descriptor`: records who is there.
    /// - Returns: `false` if that connection has already closed (its client is gone).
    mutating func received(from routingId: [UInt8], on descriptor: Int32) -> Bool {
        guard !closed.contains(descriptor) else { return false }
        peers[descriptor] = routingId
        return true
    }
}
