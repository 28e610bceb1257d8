/// A message read only as far as the relay needs: its command and request id
/// (docs/protocol.md, section 6). The rest of the header and the bodies are left as they are.
public struct Envelope: Sendable {
    public let subprotocol: Subprotocol
    public let command: Command
    /// The first header field of the commands that carry one (`Command.carriesRequestId`).
    public let requestId: String?
    private let frames: [[UInt8]]
    /// Where the request id ends in the header.
    private let requestIdEnd: Int

    /// Checks the frames (signature, command, sizes) and reads the request id.
    public init(_ frames: [[UInt8]], from subprotocol: Subprotocol, limits: WireLimits = .default) throws(WireError) {
        let checked = try Frames(frames, subprotocol: subprotocol, limits: limits)
        self.subprotocol = subprotocol
        self.command = checked.command
        self.frames = frames
        if checked.command.carriesRequestId {
            var reader = WireReader(checked.header, limits: limits)
            requestId = try reader.readName("request_id")
            requestIdEnd = reader.offset
        } else {
            requestId = nil
            requestIdEnd = 0
        }
    }

    /// The same message for the other side: `target`'s signature, the same command, the header with
    /// the request id replaced by `newRequestId` (when given and different), the same bodies.
    /// Throws `unknownCommand` when `target` does not define the command.
    public func forwarded(to target: Subprotocol, requestId newRequestId: String? = nil) throws(WireError) -> [[UInt8]] {
        guard command.isDefined(in: target) else { throw .unknownCommand(command.rawValue) }
        var result = frames
        result[Frames.signatureFrame] = target.signature
        if let newRequestId, let requestId, newRequestId != requestId {
            let header = frames[Frames.headerFrame]
            var writer = WireWriter(capacity: header.count - requestIdEnd + newRequestId.utf8.count + 2)
            writer.writeString(newRequestId)
            writer.append(contentsOf: header[requestIdEnd...])
            result[Frames.headerFrame] = writer.bytes
        }
        return result
    }
}
