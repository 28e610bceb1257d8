import LoomProtocol
import ZeroMQ

/// Asks the controller's client ROUTER for STATUS and waits for its STATUS_REPLY.
///
/// Owns a DEALER, so it lives on one thread (not `Sendable`). A request that times out is not left
/// behind: the socket is closed and a fresh one connected for the next try (the zguide's Lazy
/// Pirate), so a late reply can never be taken for the answer to a later question.
public final class StatusClient {
    public let address: String
    private let context: Context
    private var socket: Socket?

    /// `address` is a ZeroMQ endpoint such as `tcp://127.0.0.1:5559`; nothing is sent yet.
    public init(address: String) throws(ZMQError) {
        self.address = address
        context = try Context()
    }

    /// One STATUS_REPLY, or a `StatusError` if none came within `timeout`.
    public func fetch(timeout: Duration) throws(StatusError) -> ControllerStatus {
        let deadline = ContinuousClock.now + timeout
        do {
            let socket = try connectedSocket()
            guard try socket.send(ClientMessage.status.encode(), blocking: false) else {
                throw StatusError.unreachable(address)
            }
            // Anything else that arrives (a reply to an earlier client, say) is skipped.
            while ContinuousClock.now < deadline {
                guard let frames = try socket.receive(timeout: ContinuousClock.now.duration(to: deadline)) else { break }
                if case .statusReply(let status) = try? ClientMessage.decode(frames) { return status }
            }
            throw StatusError.unreachable(address)
        } catch let error as StatusError {
            reset()
            throw error
        } catch {
            reset()
            throw StatusError.zeroMQ(String(describing: error))
        }
    }

    private func connectedSocket() throws(ZMQError) -> Socket {
        if let socket { return socket }
        let socket = try Socket(context, type: .dealer)
        try socket.connect(address)
        self.socket = socket
        return socket
    }

    private func reset() {
        socket?.close()
        socket = nil
    }
}

/// Why no STATUS_REPLY came.
public enum StatusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No answer in time: the controller is down, unreachable, or not a Loom controller.
    case unreachable(String)
    case zeroMQ(String)

    public var description: String {
        switch self {
        case .unreachable(let address): "no answer from \(address)"
        case .zeroMQ(let message): message
        }
    }
}
