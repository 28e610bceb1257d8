import Foundation
import Glibc

/// One HTTP/1.1 exchange over a POSIX socket on loopback, read incrementally so a test can follow a
/// stream as it arrives and hang up in the middle. Every read and send waits at most `timeout`, so no
/// test can hang on a silent server. Blocking: run it with `offThePool`.
final class HTTPConnection {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var closed = false

    enum Failure: Error, CustomStringConvertible {
        case connect(port: Int, errno: Int32)
        case malformed(String)
        case timedOut

        var description: String {
            switch self {
            case .connect(let port, let code): "cannot connect to 127.0.0.1:\(port): \(String(cString: strerror(code)))"
            case .malformed(let what): "malformed HTTP response: \(what)"
            case .timedOut: "the server went silent"
            }
        }
    }

    init(port: Int, timeout: Duration = .seconds(30)) throws {
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

    /// Sends a request asking the server to close the connection after its response.
    func send(_ method: String, _ path: String, body: [UInt8] = []) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        if !body.isEmpty { head += "Content-Type: application/json\r\n" }
        let bytes = Array((head + "\r\n").utf8) + body
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return }
            sent += count
        }
    }

    /// The status line and headers (names lower-cased).
    func readHead() throws -> (status: Int, headers: [String: String]) {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure.malformed(statusLine) }
        var headers: [String: String] = [:]
        while case let line = try readLine(), !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (status, headers)
    }

    /// The body's pieces as they arrive (chunked transfer encoding undone), until it ends.
    func readBody(headers: [String: String], _ piece: ([UInt8]) throws -> Void) throws {
        if headers["transfer-encoding"] == "chunked" {
            while true {
                guard let size = Int(try readLine(), radix: 16) else { throw Failure.malformed("bad chunk size") }
                if size == 0 { return }
                try piece(try read(count: size))
                guard try readLine().isEmpty else { throw Failure.malformed("no CRLF after a chunk") }
            }
        } else if let length = headers["content-length"].flatMap({ Int($0) }) {
            try piece(try read(count: length))
        } else {
            while try fill() {
                try piece(buffer)
                buffer.removeAll()
            }
        }
    }

    /// Closes the connection at once, as a client that goes away mid-stream does.
    func hangUp() {
        shutdown(descriptor, Int32(SHUT_RDWR))
    }

    private func readLine() throws -> String {
        let crlf: [UInt8] = [13, 10]
        while true {
            if let end = buffer.indices.dropLast().first(where: { buffer[$0] == crlf[0] && buffer[$0 + 1] == crlf[1] }) {
                let line = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + 2)
                return line
            }
            guard try fill() else { throw Failure.malformed("the connection closed mid-line") }
        }
    }

    private func read(count: Int) throws -> [UInt8] {
        while buffer.count < count {
            guard try fill() else { throw Failure.malformed("the connection closed mid-body") }
        }
        defer { buffer.removeFirst(count) }
        return Array(buffer[..<count])
    }

    /// Reads what has arrived into the buffer; false at the end of the stream.
    private func fill() throws -> Bool {
        guard !closed else { return false }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { throw Failure.timedOut }
        guard count > 0 else {
            closed = true
            return false
        }
        buffer += chunk[..<count]
        return true
    }
}

/// Runs blocking `work` on a thread of its own: Dispatch's global queues share their threads with
/// the cooperative pool on Linux, so blocking there would starve everything else.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result(catching: work)) }.start()
    }
}
