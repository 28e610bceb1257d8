import Foundation
import Glibc

/// A TCP connection to 127.0.0.1 for tests that speak HTTP/1.1 by hand: one request asking the server
/// to close after its response, then the bytes as they arrive. Every send and receive waits at most
/// `timeout`, so no test can hang on a silent server. Blocking: run it with `offThePool`.
public final class LoopbackHTTPSocket: Sendable {
    private let descriptor: Int32

    public enum Failure: Error, CustomStringConvertible {
        case connect(port: Int, errno: Int32)
        case timedOut

        public var description: String {
            switch self {
            case .connect(let port, let code): "cannot connect to 127.0.0.1:\(port): \(String(cString: strerror(code)))"
            case .timedOut: "the server went silent"
            }
        }
    }

    public init(port: Int, timeout: Duration) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var limit = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
            setsockopt(descriptor, SOL_SOCKET, option, &limit, socklen_t(MemoryLayout<timeval>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw Failure.connect(port: port, errno: code)
        }
    }

    deinit { Glibc.close(descriptor) }

    /// Sends a request with `Connection: close` (and a JSON content type for a body, unless `headers`
    /// name one).
    public func send(_ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = []) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        if !body.isEmpty && headers["Content-Type"] == nil { head += "Content-Type: application/json\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        send(raw: Array((head + "\r\n").utf8) + body)
    }

    /// Sends exactly this text's bytes.
    public func send(raw text: String) { send(raw: Array(text.utf8)) }

    /// Sends exactly these bytes: half a head, part of a body.
    public func send(raw bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return }
            sent += count
        }
    }

    /// What has arrived, waiting for something; empty once the peer has closed.
    public func receive() throws -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { throw Failure.timedOut }
        return count > 0 ? Array(chunk[..<count]) : []
    }

    /// Reads until the server closes the connection (or resets it): what it sent before, or `nil` if
    /// it kept the connection open and silent for the timeout.
    public func readUntilClosed() -> [UInt8]? {
        var received: [UInt8] = []
        while true {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += chunk[..<count]
            } else if count == 0 || errno == ECONNRESET {
                return received
            } else {
                return nil
            }
        }
    }

    /// Closes the connection at once, as a client that goes away mid-stream does.
    public func hangUp() {
        shutdown(descriptor, Int32(SHUT_RDWR))
    }
}

/// Runs blocking `work` on a thread of its own: Dispatch's global queues share their threads with the
/// cooperative pool on Linux, so blocking there would starve the servers under test.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result(catching: work)) }.start()
    }
}
