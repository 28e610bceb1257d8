import Logging
import NIOCore
import Synchronization

/// The HTTP connections each client address holds open, capped: a connection beyond the cap is
/// closed as soon as it opens, and the address's other connections, and other addresses, go on.
final class ConnectionsPerAddress: Sendable {
    let limit: Int
    private let open = Mutex<[String: Int]>([:])

    init(limit: Int) {
        self.limit = limit
    }

    /// A new connection from `address`; `false` when the address holds `limit` already.
    func claim(_ address: String) -> Bool {
        open.withLock { open in
            guard open[address, default: 0] < limit else { return false }
            open[address, default: 0] += 1
            return true
        }
    }

    func release(_ address: String) {
        open.withLock { open in
            let left = open[address, default: 1] - 1
            open[address] = left > 0 ? left : nil
        }
    }

    /// The handler each connection's pipeline gets.
    func handler(logger: Logger) -> ConnectionCap {
        ConnectionCap(connections: self, logger: logger)
    }
}

/// Claims its connection's place in `ConnectionsPerAddress` when the connection opens, closes it
/// when there is none, and gives the place back when it closes.
final class ConnectionCap: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let connections: ConnectionsPerAddress
    private let logger: Logger
    private var claimed: String?

    init(connections: ConnectionsPerAddress, logger: Logger) {
        self.connections = connections
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { claim(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        if claimed == nil { claim(context) }
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if let claimed { connections.release(claimed) }
        claimed = nil
    }

    private func claim(_ context: ChannelHandlerContext) {
        guard let address = context.channel.remoteAddress?.ipAddress else { return }
        if connections.claim(address) {
            claimed = address
        } else {
            logger.debug("refused an HTTP connection: its address holds the most open connections allowed", metadata: [
                "address": "\(address)", "limit": "\(connections.limit)",
            ])
            context.close(promise: nil)
        }
    }
}
