/// The command byte (frame 1). A command has the same byte and header layout in both
/// sub-protocols, which is what lets the controller relay without re-encoding.
public enum Command: UInt8, Sendable, CaseIterable {
    case ready = 0x01
    case request = 0x02
    case partial = 0x03
    case final = 0x04
    case heartbeat = 0x05
    case disconnect = 0x06
    case cancel = 0x07
    case error = 0x08
    case status = 0x09
    case statusReply = 0x0A

    /// Whether the header begins with a request id.
    public var carriesRequestId: Bool {
        switch self {
        case .request, .partial, .final, .cancel, .error: true
        case .ready, .heartbeat, .disconnect, .status, .statusReply: false
        }
    }

    public func isDefined(in subprotocol: Subprotocol) -> Bool {
        switch self {
        case .request, .partial, .final, .cancel, .error: true
        case .ready, .heartbeat, .disconnect: subprotocol == .worker
        case .status, .statusReply: subprotocol == .client
        }
    }
}

/// Which of the two conversations a message belongs to, named by its signature (frame 0).
public enum Subprotocol: Sendable {
    /// Worker ↔ controller: `LOOMW1`.
    case worker
    /// Client ↔ controller: `LOOMC1`.
    case client

    public static let version = UInt8(ascii: "1")

    public var signature: [UInt8] {
        switch self {
        case .worker: Self.workerSignature
        case .client: Self.clientSignature
        }
    }

    private static let workerSignature = Array("LOOMW1".utf8)
    private static let clientSignature = Array("LOOMC1".utf8)
}
