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
        switch self {
        case .request(let request): frames(.request, request.encode(to:), bodies: request.images)
        case .partial(let partial): frames(.partial, partial.encode(to:))
        case .final(let final): frames(.final, final.encode(to:))
        case .error(let error): frames(.error, error.encode(to:))
        case .cancel(let requestId): frames(.cancel) { $0.writeString(requestId) }
        case .status: frames(.status) { _ in }
        case .statusReply(let status): frames(.statusReply, status.encode(to:))
        }
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
