import Foundation
import Glibc

/// A one-connection HTTP server on loopback for client tests: it reads a request, answers with
/// scripted writes (each its own `send`, `gap` apart), then closes, or first holds the connection
/// open for `hold`.
public final class ScriptedServer: Sendable {
    public let port: Int
    private let listener: Int32
    private let received = Locked<[UInt8]>([])

    public convenience init(writes: [[UInt8]], gap: Duration = .milliseconds(2), hold: Duration = .zero) throws {
        try self.init(connections: [writes], gap: gap, hold: hold)
    }

    /// Serves `connections.count` connections one after the other, each with its own writes; the
    /// request recorded is the last one.
    public init(connections: [[[UInt8]]], gap: Duration = .milliseconds(2), hold: Duration = .zero) throws {
        (listener, port) = try Self.bindLoopback()
        guard listen(listener, 1) == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
        let listener = listener
        let received = received
        Thread {
            for writes in connections {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { return }
                defer { close(connection) }
                received.set([])
                var buffer = [UInt8](repeating: 0, count: 4096)
                while !Self.isWhole(String(decoding: received.value, as: UTF8.self)) {
                    let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
                    guard count > 0 else { return }
                    received.set(received.value + buffer[..<count])
                }
                for (index, bytes) in writes.enumerated() {
                    if index > 0 { Self.sleep(gap) }
                    _ = bytes.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                }
                Self.sleep(hold)
            }
        }.start()
    }

    /// `text` as bytes, for scripting writes.
    public static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    deinit { close(listener) }

    /// The request as it arrived: its head and its body.
    public var request: String { String(decoding: received.value, as: UTF8.self) }

    /// Whether `request` holds a whole head and as many body bytes as its Content-Length says.
    private static func isWhole(_ request: String) -> Bool {
        guard let headEnd = request.utf8.firstRange(of: "\r\n\r\n".utf8) else { return false }
        let lengthLine = request[..<headEnd.lowerBound].split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
        let length = lengthLine.flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        return request.utf8[headEnd.upperBound...].count >= length
    }

    private static func sleep(_ duration: Duration) {
        guard duration > .zero else { return }
        usleep(UInt32(duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000))
    }

    /// A TCP socket bound to 127.0.0.1 on a port the system picks.
    static func bindLoopback() throws -> (Int32, Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}

/// A loopback port that refuses connections: bound (so no one else gets it) but not listening.
public final class RefusingPort: Sendable {
    public let port: Int
    private let descriptor: Int32

    public init() throws {
        (descriptor, port) = try ScriptedServer.bindLoopback()
    }

    deinit { close(descriptor) }
}
