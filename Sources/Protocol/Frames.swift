/// A message checked up to its header (docs/protocol.md, section 3): the signature, the command,
/// and the sizes of every frame. What is left is the header's fields.
struct Frames {
    let command: Command
    let header: [UInt8]
    let bodies: ArraySlice<[UInt8]>

    static let signatureFrame = 0, commandFrame = 1, headerFrame = 2, firstBodyFrame = 3

    init(_ frames: [[UInt8]], subprotocol: Subprotocol, limits: WireLimits) throws(WireError) {
        guard frames.count >= Self.firstBodyFrame else { throw .tooFewFrames(count: frames.count) }
        guard frames.count <= limits.maxFrames else {
            throw .tooManyFrames(count: frames.count, limit: limits.maxFrames)
        }
        try Self.checkSignature(frames[Self.signatureFrame], subprotocol)
        command = try Self.command(frames[Self.commandFrame], subprotocol)
        header = frames[Self.headerFrame]
        bodies = frames[Self.firstBodyFrame...]
        guard header.count <= limits.maxHeaderBytes else {
            throw .headerTooLarge(size: header.count, limit: limits.maxHeaderBytes)
        }
        guard bodies.isEmpty || command == .request else {
            throw .unexpectedBodyFrames(command: command, count: bodies.count)
        }
        try Self.checkBodySizes(bodies, limits)
    }

    /// Checks the frames, hands the header to `decodeHeader`, and checks the header was read to its end.
    static func decode<Message>(
        _ frames: [[UInt8]], _ subprotocol: Subprotocol, _ limits: WireLimits,
        _ decodeHeader: (Command, inout WireReader, ArraySlice<[UInt8]>) throws(WireError) -> Message
    ) throws(WireError) -> Message {
        let checked = try Frames(frames, subprotocol: subprotocol, limits: limits)
        var reader = WireReader(checked.header, limits: limits)
        let message = try decodeHeader(checked.command, &reader, checked.bodies)
        try reader.finish()
        return message
    }

    static func encode(
        _ subprotocol: Subprotocol, _ command: Command, _ writeHeader: (inout WireWriter) -> Void,
        bodies: [[UInt8]] = []
    ) -> [[UInt8]] {
        var header = WireWriter()
        writeHeader(&header)
        var frames = [subprotocol.signature, [command.rawValue], header.bytes]
        frames.append(contentsOf: bodies)
        return frames
    }

    private static func checkSignature(_ frame: [UInt8], _ subprotocol: Subprotocol) throws(WireError) {
        let expected = subprotocol.signature
        guard frame != expected else { return }
        // The right side with another version digit is told apart from garbage.
        if frame.count == expected.count, frame.dropLast().elementsEqual(expected.dropLast()), let found = frame.last {
            throw .unsupportedVersion(found: found, supported: Subprotocol.version)
        }
        throw .badSignature(found: Array(frame.prefix(16)))
    }

    private static func command(_ frame: [UInt8], _ subprotocol: Subprotocol) throws(WireError) -> Command {
        guard frame.count == 1, let raw = frame.first else { throw .badCommandFrame(length: frame.count) }
        guard let command = Command(rawValue: raw), command.isDefined(in: subprotocol) else {
            throw .unknownCommand(raw)
        }
        return command
    }

    private static func checkBodySizes(_ bodies: ArraySlice<[UInt8]>, _ limits: WireLimits) throws(WireError) {
        var total = 0
        for index in bodies.indices {
            let size = bodies[index].count
            guard size <= limits.maxBodyBytes else {
                throw .bodyTooLarge(frame: index, size: size, limit: limits.maxBodyBytes)
            }
            total += size
        }
        guard total <= limits.maxTotalBodyBytes else {
            throw .bodiesTooLarge(total: total, limit: limits.maxTotalBodyBytes)
        }
    }
}
