import Foundation
import Glibc

/// A one-connection TCP server on loopback that reads a request head and answers with scripted
/// writes (each its own `send`), then closes, or holds the connection open for `hold`.
final class ScriptedServer: Sendable {
    let port: Int
    private let listener: Int32

    init(writes: [[UInt8]], hold: Duration = .zero) throws {
        (listener, port) = try Self.bindLoopback()
        guard listen(listener, 1) == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
        let listener = listener
        Thread {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            defer { close(connection) }
            var head: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !String(decoding: head, as: UTF8.self).contains("\r\n\r\n") {
                let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { return }
                head += buffer[..<count]
            }
            for bytes in writes {
                _ = bytes.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                usleep(2000)
            }
            if hold > .zero { usleep(UInt32(hold.components.seconds * 1_000_000 + hold.components.attoseconds / 1_000_000_000_000)) }
        }.start()
    }

    deinit { close(listener) }

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
final class RefusingPort: Sendable {
    let port: Int
    private let descriptor: Int32

    init() throws {
        (descriptor, port) = try ScriptedServer.bindLoopback()
    }

    deinit { close(descriptor) }
}
