/// DISCONNECT (worker sub-protocol, either way): the sender is done with this peer.
public struct Disconnect: Sendable, Equatable {
    public var reason: DisconnectReason
    /// For people.
    public var message: String

    public init(reason: DisconnectReason, message: String = "") {
        self.reason = reason
        self.message = message
    }
}

public enum DisconnectReason: UInt8, Sendable, CaseIterable {
    /// The sender is stopping.
    case shutdown = 0
    /// A worker spoke before READY, or after it expired: register again.
    case notRegistered = 1
    /// Another live process holds this worker id (docs/protocol.md, section 5.4).
    case duplicateWorkerId = 2
    /// The controller could not decode the worker's READY.
    case protocolError = 3
    case unauthorized = 4
}

extension Disconnect {
    func encode(to writer: inout WireWriter) {
        writer.writeEnum(reason)
        writer.writeString(message)
    }

    init(from reader: inout WireReader) throws(WireError) {
        reason = try reader.readEnum(DisconnectReason.self, "reason")
        message = try reader.readText("message")
    }
}
