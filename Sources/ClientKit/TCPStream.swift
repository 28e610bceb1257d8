import Glibc

/// A blocking TCP connection with a connect timeout and a per-read timeout. Owned by one thread.
final class TCPStream {
    private let descriptor: Int32

    /// Resolves `host` and connects to the first address that answers within `timeout`.
    init(host: String, port: Int, timeout: Duration) throws(HTTPClientError) {
        descriptor = try Self.connect(host: host, port: port, timeout: timeout)
        try setReadTimeout(timeout)
    }

    deinit { close(descriptor) }

    /// Sends every byte.
    func send(_ bytes: [UInt8]) throws(HTTPClientError) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw HTTPClientError.from("send", errno: errno)
            }
            sent += count
        }
    }

    /// The next bytes to arrive, at most `limit`; empty once the peer has closed.
    func receive(limit: Int = 65_536) throws(HTTPClientError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: limit)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count >= 0 { return Array(buffer[..<count]) }
            if errno == EINTR { continue }
            throw HTTPClientError.from("recv", errno: errno)
        }
    }

    func setReadTimeout(_ timeout: Duration) throws(HTTPClientError) {
        let (seconds, attoseconds) = timeout.components
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        guard setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
            throw HTTPClientError.from("setsockopt(SO_RCVTIMEO)", errno: errno)
        }
    }

    private static func connect(host: String, port: Int, timeout: Duration) throws(HTTPClientError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .unresolved(host: host, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var lastError = HTTPClientError.refused
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            do {
                return try connect(address.pointee, timeout: timeout)
            } catch {
                lastError = error
            }
            entry = address.pointee.ai_next
        }
        throw lastError
    }

    /// A non-blocking connect waited for with `poll`, so an unreachable host costs `timeout`, not minutes.
    private static func connect(_ address: addrinfo, timeout: Duration) throws(HTTPClientError) -> Int32 {
        let descriptor = socket(address.ai_family, address.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), address.ai_protocol)
        guard descriptor >= 0 else { throw HTTPClientError.from("socket", errno: errno) }
        do throws(HTTPClientError) {
            let flags = fcntl(descriptor, F_GETFL)
            _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
            if Glibc.connect(descriptor, address.ai_addr, address.ai_addrlen) != 0 {
                guard errno == EINPROGRESS else { throw HTTPClientError.from("connect", errno: errno) }
                try waitConnected(descriptor, timeout: timeout)
            }
            _ = fcntl(descriptor, F_SETFL, flags)
            var one: Int32 = 1
            setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            return descriptor
        } catch {
            close(descriptor)
            throw error
        }
    }

    private static func waitConnected(_ descriptor: Int32, timeout: Duration) throws(HTTPClientError) {
        var entry = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        let milliseconds = Int32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        var ready: Int32
        repeat { ready = poll(&entry, 1, milliseconds) } while ready < 0 && errno == EINTR
        guard ready > 0 else { throw ready == 0 ? .connectTimedOut : HTTPClientError.from("poll", errno: errno) }
        var failure: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &length)
        guard failure == 0 else { throw HTTPClientError.from("connect", errno: failure) }
    }
}
