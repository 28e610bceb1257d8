import CZeroMQ

/// A libzmq context: the I/O threads and the namespace for `inproc://` endpoints.
///
/// libzmq contexts are thread safe, so this one is `Sendable`. Every `Socket` holds its context,
/// so the context is terminated (`zmq_ctx_term`, in `deinit`) only after all its sockets are
/// closed; that call then returns at once, since sockets are made with LINGER 0 by default.
/// `shutdown()` makes every blocking call on the context's sockets fail with `ETERM`, so threads
/// stuck in them can exit.
public final class Context: @unchecked Sendable {
    // Unchecked: the handle never changes, and libzmq allows contexts to be used from any thread.
    let handle: UnsafeMutableRawPointer

    /// Creates a context with libzmq's defaults (one I/O thread).
    public init() throws(ZMQError) {
        handle = try ZMQCall.pointer("zmq_ctx_new") { zmq_ctx_new() }
    }

    /// Interrupts blocking calls on this context's sockets (they fail with `ETERM`) and refuses
    /// new sockets. Safe to call from any thread, more than once.
    public func shutdown() {
        // Fails only with EFAULT for an invalid handle, which `handle` never is.
        _ = zmq_ctx_shutdown(handle)
    }

    deinit {
        // No socket can be open here (each one keeps its context alive), so this cannot hang.
        while zmq_ctx_term(handle) == -1 && zmq_errno() == EINTR {}
    }
}
