import Foundation
import Glibc

/// A one-connection TCP server on loopback that reads a request head and answers with scripted
/// writes (each its own `send`), then closes, or holds the connection open for `hold`.
final class ScriptedServer: Sendable {
    let port: Int
    private let listener: Int32

    init(writes: [[UInt8]], hold: Duration = .zero) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 1) == 0 && getsockname(listener, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
        port = Int(UInt16(bigEndian: address.sin_port))
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

    /// A port nothing listens on: bound, then closed.
    static func closedPort() throws -> Int {
        let server = try ScriptedServer(writes: [])
        return server.port
    }
}
