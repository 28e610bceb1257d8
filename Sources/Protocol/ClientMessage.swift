/// A message of the client sub-protocol (`LOOMC1`), between a client's DEALER and the controller's
/// client ROUTER. The routing-id frame is not part of it.
public enum ClientMessage: Sendable, Equatable {
    /// Client → controller.
    case request(GenerationRequest)
    /// Controller → client.
    case partial(Partial)
    /// Controller → client.
    case final(Final)
    /// Controller → client: the request failed.
    case error(RequestError)
    /// Client → controller.
    case cancel(requestId: String)
    /// Client → controller: asks for a `statusReply`.
    case status
    /// Controller → client.
    case statusReply(ControllerStatus)

    /// Frames: signature, command, header, then the images of a request.
    public func encode() -> [[UInt8]] {
        var header = WireWriter()
        let command: Command
        switch self {
        case .request(let request):
            command = .request
            request.encode(to: &header)
            return Frames.encode(Self.subprotocol, command, header: header, bodies: request.images)
        case .partial(let partial):
            command = .partial
            partial.encode(to: &header)
        case .final(let final):
            command = .final
            final.encode(to: &header)
        case .error(let error):
            command = .error
            error.encode(to: &header)
        case .cancel(let requestId):
            command = .cancel
            header.writeString(requestId)
        case .status:
            command = .status
        case .statusReply(let status):
            command = .statusReply
            status.encode(to: &header)
        }
        return Frames.encode(Self.subprotocol, command, header: header)
    }

    public static func decode(_ frames: [[UInt8]], limits: WireLimits = .default) throws(WireError) -> ClientMessage {
        try Frames.decode(frames, Self.subprotocol, limits) { (command, reader: inout WireReader, bodies) throws(WireError) in
            switch command {
            case .request: .request(try GenerationRequest(from: &reader, bodies: bodies))
            case .partial: .partial(try Partial(from: &reader))
            case .final: .final(try Final(from: &reader))
            case .error: .error(try RequestError(from: &reader))
            case .cancel: .cancel(requestId: try reader.readName("request_id"))
            case .status: .status
            case .statusReply: .statusReply(try ControllerStatus(from: &reader))
            case .ready, .heartbeat, .disconnect: throw .unknownCommand(command.rawValue)
            }
        }
    }
}
