import Foundation
import TestSupport

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

/// A plain HTTP/1.1 client on loopback that reads a response whole (or until a test has seen enough),
/// with a timeout so no test can hang. Blocking calls run with `offThePool`, off the cooperative pool
/// the server needs.
final class HTTPConnection: Sendable {
    private let socket: LoopbackHTTPSocket

    enum Failure: Error {
        case malformed(String)
    }

    init(port: Int) throws {
        socket = try LoopbackHTTPSocket(port: port, timeout: .seconds(10))
    }

    /// Sends a request asking the server to close the connection after its response.
    func send(_ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = []) {
        socket.send(method, path, headers: headers, body: body)
    }

    /// Reads until `stop` holds for what was read, the peer closes, or the timeout passes.
    func read(until stop: ([UInt8]) -> Bool = { _ in false }) -> [UInt8] {
        var received: [UInt8] = []
        while !stop(received), let chunk = try? socket.receive(), !chunk.isEmpty { received += chunk }
        return received
    }

    /// Closes the connection at once, as a client that goes away mid-stream does.
    func close() {
        socket.hangUp()
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
