/// What a key press asks of the dashboard.
public enum Key: Sendable, Equatable {
    case quit
    case cycleSort
    case toggleHelp

    /// The keys in bytes read from a raw terminal. Escape sequences (arrows, function keys) are
    /// skipped whole so their letters do not count as keys.
    public static func decode(_ bytes: [UInt8]) -> [Key] {
        var keys: [Key] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == 0x1B {
                index = endOfEscape(in: bytes, from: index)
                continue
            }
            switch byte {
            case UInt8(ascii: "q"), UInt8(ascii: "Q"), 0x03, 0x04: keys.append(.quit)
            case UInt8(ascii: "s"), UInt8(ascii: "S"): keys.append(.cycleSort)
            case UInt8(ascii: "h"), UInt8(ascii: "H"), UInt8(ascii: "?"): keys.append(.toggleHelp)
            default: break
            }
        }
        return keys
    }

    /// After ESC: `[` or `O` then parameters up to a final byte (0x40–0x7E); a lone ESC is skipped.
    private static func endOfEscape(in bytes: [UInt8], from start: Int) -> Int {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "[") || bytes[start] == UInt8(ascii: "O") else {
            return start
        }
        var index = start + 1
        while index < bytes.count {
            defer { index += 1 }
            if (0x40...0x7E).contains(bytes[index]) { break }
        }
        return index
    }
}
