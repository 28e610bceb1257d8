/// A message the relay wants sent; the socket thread sends it, and reports back a send that failed.
public enum RelayEffect: Sendable {
    /// Frames after the routing id, for the worker with this id.
    case toWorker(String, [[UInt8]])
    /// Frames after the routing id, for a client; `requestId` is the client's own, empty for a
    /// STATUS_REPLY; `ends` when this is the request's FINAL or ERROR.
    case toClient(ClientAddress, requestId: String, [[UInt8]], ends: Bool)
}
