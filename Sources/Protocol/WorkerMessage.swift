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
        var header = WireWriter()
        let command: Command
        switch self {
        case .ready(let registration):
            command = .ready
            registration.encode(to: &header)
        case .heartbeat(let load):
            command = .heartbeat
            header.writeOptional(load) { $1.encode(to: &$0) }
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
        case .cancel(let requestId):
            command = .cancel
            header.writeString(requestId)
        case .disconnect(let disconnect):
            command = .disconnect
            disconnect.encode(to: &header)
        case .error(let error):
            command = .error
            error.encode(to: &header)
        }
        return Frames.encode(Self.subprotocol, command, header: header)
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
