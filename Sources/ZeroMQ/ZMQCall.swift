import CZeroMQ

/// The one path by which this module calls libzmq (and eventfd), in the manner of swift-nio's
/// `syscall`: EINTR is retried, EAGAIN becomes `nil` where the caller can wait for readiness, and
/// any other failure is read from errno at once (before anything else can overwrite it) and thrown.
enum ZMQCall {
    /// Runs a call returning an `int` (`-1` on failure); EAGAIN is an error here.
    @discardableResult
    static func checked(_ name: @autoclosure () -> String, _ body: () -> Int32) throws(ZMQError) -> Int32 {
        guard let result = try checkedUnlessWouldBlock(name(), body) else {
            throw ZMQError(code: EAGAIN, call: name())
        }
        return result
    }

    /// Runs a call returning an `int` (`-1` on failure); `nil` if it would block (EAGAIN).
    static func checkedUnlessWouldBlock(
        _ name: @autoclosure () -> String, _ body: () -> Int32
    ) throws(ZMQError) -> Int32? {
        try retrying(name(), body, failed: { $0 == -1 })
    }

    /// Runs a call returning a pointer (`NULL` on failure).
    static func pointer(
        _ name: @autoclosure () -> String, _ body: () -> UnsafeMutableRawPointer?
    ) throws(ZMQError) -> UnsafeMutableRawPointer {
        guard let result = try retrying(name(), body, failed: { $0 == nil }), let pointer = result else {
            throw ZMQError(code: EAGAIN, call: name())
        }
        return pointer
    }

    private static func retrying<T>(
        _ name: @autoclosure () -> String, _ body: () -> T, failed: (T) -> Bool
    ) throws(ZMQError) -> T? {
        while true {
            let result = body()
            guard failed(result) else { return result }
            let code = zmq_errno()
            switch code {
            case EINTR: continue
            case EAGAIN: return nil
            default: throw ZMQError(code: code, call: name())
            }
        }
    }
}
