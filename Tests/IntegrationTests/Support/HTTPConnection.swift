import Foundation
import TestSupport

/// One HTTP/1.1 exchange over a POSIX socket on loopback, read incrementally so a test can follow a
/// stream as it arrives and hang up in the middle. Every read and send waits at most `timeout`, so no
/// test can hang on a silent server. Blocking: run it with `offThePool`.
final class HTTPConnection {
    private let socket: LoopbackHTTPSocket
    private var buffer: [UInt8] = []
    private var closed = false

    enum Failure: Error, CustomStringConvertible {
        case malformed(String)

        var description: String {
            switch self {
            case .malformed(let what): "malformed HTTP response: \(what)"
            }
        }
    }

    init(port: Int, timeout: Duration = .seconds(30)) throws {
        socket = try LoopbackHTTPSocket(port: port, timeout: timeout)
    }

    /// Sends a request asking the server to close the connection after its response.
    func send(_ method: String, _ path: String, body: [UInt8] = []) {
        socket.send(method, path, body: body)
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
        socket.hangUp()
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
        let chunk = try socket.receive()
        guard !chunk.isEmpty else {
            closed = true
            return false
        }
        buffer += chunk
        return true
    }
}
