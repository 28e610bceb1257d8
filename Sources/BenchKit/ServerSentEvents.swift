/// Splits a `text/event-stream` body into the data of its events, bytes fed as they arrive.
struct ServerSentEvents: Sendable {
    private var pending: [UInt8] = []

    /// The `data:` payloads of the events these bytes complete (several `data:` lines of one event
    /// are joined with newlines).
    mutating func feed(_ bytes: [UInt8]) -> [String] {
        pending += bytes
        var events: [String] = []
        while let end = Self.endOfEvent(in: pending) {
            let block = String(decoding: pending[..<end.start], as: UTF8.self)
            pending.removeFirst(end.next)
            let data = block.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
                .filter { $0.hasPrefix("data:") }
                .map { line -> Substring in
                    let value = line.dropFirst(5)
                    return value.first == " " ? value.dropFirst() : value
                }
            if !data.isEmpty { events.append(data.joined(separator: "\n")) }
        }
        return events
    }

    /// An event ends with an empty line: `\n\n` or `\r\n\r\n`.
    private static func endOfEvent(in bytes: [UInt8]) -> (start: Int, next: Int)? {
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 10 && bytes[index + 1] == 10 { return (index, index + 2) }
            if index + 3 < bytes.count, bytes[index] == 13, bytes[index + 1] == 10, bytes[index + 2] == 13, bytes[index + 3] == 10 {
                return (index, index + 4)
            }
            index += 1
        }
        return nil
    }
}
