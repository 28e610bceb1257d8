/// Turns generated tokens into text deltas one token at a time. A delta never ends inside a UTF-8
/// character: the bytes of an unfinished character (a byte-level token holding half an emoji) wait
/// in `pendingBytes` until the tokens that complete it arrive.
///
/// Generated text continues a prompt, so no leading space is removed (unlike `Tokenizer.decode`).
public struct StreamingDetokenizer: Sendable {
    public let tokenizer: Tokenizer
    public let renderSpecial: Bool
    /// Bytes received but not yet returned: at most the first 1–3 bytes of one character.
    public private(set) var pendingBytes: [UInt8] = []

    public init(tokenizer: Tokenizer, renderSpecial: Bool = false) {
        self.tokenizer = tokenizer
        self.renderSpecial = renderSpecial
    }

    /// The text that `id` completes: possibly empty.
    public mutating func append(_ id: Int32) -> String {
        pendingBytes += tokenizer.tokenBytes(id, renderSpecial: renderSpecial)
        let complete = Self.completePrefixLength(pendingBytes)
        guard complete > 0 else { return "" }
        let text = String(decoding: pendingBytes[..<complete], as: UTF8.self)
        pendingBytes.removeFirst(complete)
        return text
    }

    /// Whatever is still pending, at the end of a generation (an unfinished character becomes U+FFFD).
    public mutating func flush() -> String {
        defer { pendingBytes = [] }
        return String(decoding: pendingBytes, as: UTF8.self)
    }

    /// Length of the longest prefix that does not end inside a character: only a well-formed lead
    /// byte followed by fewer continuation bytes than it announces is held back. Invalid bytes are
    /// let through (they decode to U+FFFD) so nothing waits forever.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        var lead = bytes.count - 1
        while lead >= 0, bytes.count - lead <= 3, bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
        guard lead >= 0 else { return bytes.count }
        let announced = switch bytes[lead] {
        case 0xC2...0xDF: 2
        case 0xE0...0xEF: 3
        case 0xF0...0xF4: 4
        default: 1
        }
        return announced > bytes.count - lead ? lead : bytes.count
    }
}
