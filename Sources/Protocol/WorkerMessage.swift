/// A message of the worker sub-protocol (`LOOMW1`), between a worker's DEALER and the controller's
/// ROUTER. The routing-id frame is not part of it.
public enum WorkerMessage: Sendable, Equatable {
    /// Worker → controller: registration.
    case ready(Registration)
    /// Both ways: the worker's carries its load, the controller's none.
    case heartbeat(WorkerLoad?)
    /// Controller → worker.
    case request(GenerationRequest)
    /// Worker → controller.
    case partial(Partial)
    /// Worker → controller.
    case final(Final)
    /// Controller → worker.
    case cancel(requestId: String)
    /// Both ways.
    case disconnect(Disconnect)
    /// Worker → controller: one request failed.
    case error(RequestError)

    /// Frames: signature, command, header, then the images of a request.
    public func encode() -> [[UInt8]] {
        switch self {
        case .ready(let registration): frames(.ready, registration.encode(to:))
        case .heartbeat(let load): frames(.heartbeat) { $0.writeOptional(load) { $1.encode(to: &$0) } }
        case .request(let request): frames(.request, request.encode(to:), bodies: request.images)
        case .partial(let partial): frames(.partial, partial.encode(to:))
        case .final(let final): frames(.final, final.encode(to:))
        case .cancel(let requestId): frames(.cancel) { $0.writeString(requestId) }
        case .disconnect(let disconnect): frames(.disconnect, disconnect.encode(to:))
        case .error(let error): frames(.error, error.encode(to:))
        }
    }

    public static func decode(_ frames: [[UInt8]], limits: WireLimits = .default) throws(WireError) -> WorkerMessage {
        try Frames.decode(frames, Self.subprotocol, limits) { (command, reader: inout WireReader, bodies) throws(WireError) in
            switch command {
            case .ready: .ready(try Registration(from: &reader))
            case .heartbeat: .heartbeat(try reader.readOptional("load", WorkerLoad.init(from:)))
            case .request: .request(try GenerationRequest(from: &reader, bodies: bodies))
            case .partial: .partial(try Partial(from: &reader))
            case .final: .final(try Final(from: &reader))
            case .cancel: .cancel(requestId: try reader.readName("request_id"))
            case .disconnect: .disconnect(try Disconnect(from: &reader))
            case .error: .error(try RequestError(from: &reader))
            case .status, .statusReply: throw .unknownCommand(command.rawValue)
            }
        }
    }
}
