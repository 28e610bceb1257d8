import Foundation
import Glibc

/// An HTTP response as read off the wire.
struct HTTPTestResponse: Sendable {
    let status: Int
    /// Lower-cased names.
    let headers: [String: String]
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as a JSON object.
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }

    /// `error.code` of an OpenAI-style error body.
    var errorCode: String? { (json?["error"] as? [String: Any])?["code"] as? String }
}

/// A plain HTTP/1.1 client over a POSIX socket on loopback, with a receive timeout so no test can
/// hang. Blocking calls run on threads of their own, off the cooperative pool the server needs.
final class HTTPConnection: Sendable {
    private let descriptor: Int32

    enum Failure: Error {
        case connect(Int32)
        case malformed(String)
    }

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
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
            Glibc.close(descriptor)
            throw Failure.connect(errno)
        }
    }

    deinit { Glibc.close(descriptor) }

    /// Sends a request asking the server to close the connection after its response.
    func send(_ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = []) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        if !body.isEmpty && headers["Content-Type"] == nil { head += "Content-Type: application/json\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let bytes = Array((head + "\r\n").utf8) + body
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return }
            sent += count
        }
    }

    /// Reads until `stop` holds for what was read, the peer closes, or the timeout passes.
    func read(until stop: ([UInt8]) -> Bool = { _ in false }) -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !stop(received) {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            received += buffer[..<count]
        }
        return received
    }

    /// Closes the connection at once, as a client that goes away mid-stream does.
    func close() {
        shutdown(descriptor, Int32(SHUT_RDWR))
    }

    /// One whole exchange.
    static func exchange(
        port: Int, _ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = []
    ) async throws -> HTTPTestResponse {
        try await offThePool {
            let connection = try HTTPConnection(port: port)
            connection.send(method, path, headers: headers, body: body)
            return try parse(connection.read())
        }
    }

    /// Runs blocking `work` on a thread of its own: Dispatch's global queues share their threads
    /// with the cooperative pool on Linux, so blocking there would starve the server.
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result(catching: work)) }.start()
        }
    }

    /// Splits status line, headers and body, undoing chunked transfer encoding.
    static func parse(_ raw: [UInt8]) throws -> HTTPTestResponse {
        let separator = Array("\r\n\r\n".utf8)
        guard let end = raw.indices.first(where: { raw[$0...].starts(with: separator) }) else {
            throw Failure.malformed("no end of head in \(raw.count) bytes")
        }
        let lines = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure.malformed(lines[0]) }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(raw[(end + separator.count)...])
        if headers["transfer-encoding"] == "chunked" { body = try dechunk(body) }
        return HTTPTestResponse(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ bytes: [UInt8]) throws -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        let crlf = Array("\r\n".utf8)
        while index < bytes.count {
            guard let lineEnd = bytes[index...].indices.first(where: { bytes[$0...].starts(with: crlf) }),
                let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self), radix: 16)
            else { throw Failure.malformed("bad chunk size") }
            if size == 0 { break }
            let start = lineEnd + 2
            guard start + size <= bytes.count else { throw Failure.malformed("truncated chunk") }
            result += bytes[start..<(start + size)]
            index = start + size + 2
        }
        return result
    }
}
