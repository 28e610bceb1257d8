/// What other threads hand the socket thread through its outbox and the in-process PAIR sockets:
/// client messages from the HTTP front door (LOOMC1 frames, as a ZeroMQ client sends them), or
/// a command.
enum ControlMessage: Equatable {
    case fromHTTP([[UInt8]])
    case shutdown

    /// One frame: no client message has fewer than three.
    private static let shutdownFrames = [Array("shutdown".utf8)]

    var frames: [[UInt8]] {
        switch self {
        case .fromHTTP(let frames): frames
        case .shutdown: Self.shutdownFrames
        }
    }

    init(frames: [[UInt8]]) {
        self = frames == Self.shutdownFrames ? .shutdown : .fromHTTP(frames)
    }
}
