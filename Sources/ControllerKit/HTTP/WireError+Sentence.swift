import LoomProtocol

/// A request past the wire protocol's limits (docs/protocol.md), said in the HTTP request's terms.
/// Only what a request the front door built can hit: its texts, names and counts.
extension WireError {
    var sentence: (message: String, field: String?) {
        switch self {
        case .headerTooLarge(let size, let limit):
            return ("the request's text adds up to \(size) bytes once encoded, more than the \(limit) the wire protocol takes", nil)
        case .overLimit(let field, let value, let limit):
            let (name, param, unit) = Self.name(field)
            return ("\(name) has \(value) \(unit), more than the \(limit) the wire protocol takes", param)
        case .tooManyFrames, .bodiesTooLarge, .bodyTooLarge:
            return ("the request's images are past the wire protocol's limits", nil)
        default:
            return ("the request could not be encoded for the workers", nil)
        }
    }

    /// The wire's field name (protocol.md) as the HTTP request knows it.
    private static func name(_ field: String) -> (name: String, param: String?, unit: String) {
        switch field {
        case "model": ("model", "model", "bytes")
        case "prompt.text": ("prompt", "prompt", "bytes")
        case "part.text": ("a message's text", "messages", "bytes")
        case "prompt.messages": ("messages", "messages", "entries")
        case "message.parts": ("a message's content", "messages", "parts")
        case "stop": ("stop", "stop", "entries or bytes")
        default: ("the request's \(field)", nil, "bytes or entries")
        }
    }
}
