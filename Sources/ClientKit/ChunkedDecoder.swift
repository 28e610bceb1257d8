/// Undoes HTTP/1.1 chunked transfer encoding incrementally: bytes go in as they arrive, the body's
/// bytes come out as soon as they are known, so a streamed answer is seen event by event.
public struct ChunkedDecoder: Sendable {
    private enum State: Sendable {
        /// Reading a size line (hex, optional extensions, CRLF).
        case size
        /// Inside a chunk, with this many bytes to go.
        case data(Int)
        /// The CRLF after a chunk's data.
        case dataEnd
        /// After the last (empty) chunk: trailer lines up to an empty line.
        case trailer
        case finished
    }

    private var state = State.size
    /// An incomplete line carried to the next `feed`.
    private var line: [UInt8] = []
    /// A line longer than this is not HTTP.
    private static let maxLineBytes = 4096

    public init() {}

    /// The last chunk and its trailer have been read.
    public var isFinished: Bool {
        if case .finished = state { true } else { false }
    }

    /// Feeds received bytes; returns the body bytes they complete. Bytes past the end are ignored.
    public mutating func feed(_ bytes: some Collection<UInt8>) throws(HTTPClientError) -> [UInt8] {
        var body: [UInt8] = []
        var index = bytes.startIndex
        while index != bytes.endIndex {
            switch state {
            case .data(let remaining):
                let end = bytes.index(index, offsetBy: remaining, limitedBy: bytes.endIndex) ?? bytes.endIndex
                body += bytes[index..<end]
                let taken = bytes.distance(from: index, to: end)
                state = taken == remaining ? .dataEnd : .data(remaining - taken)
                index = end
            case .finished:
                return body
            case .size, .dataEnd, .trailer:
                let byte = bytes[index]
                index = bytes.index(after: index)
                guard byte == UInt8(ascii: "\n") else {
                    line.append(byte)
                    guard line.count <= Self.maxLineBytes else { throw .malformed("a chunk line is too long") }
                    continue
                }
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                try endLine()
                line = []
            }
        }
        return body
    }

    private mutating func endLine() throws(HTTPClientError) {
        switch state {
        case .size:
            let digits = line.prefix { $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: " ") }
            guard let size = Int(String(decoding: digits, as: UTF8.self), radix: 16), size >= 0 else {
                throw .malformed("bad chunk size '\(String(decoding: line, as: UTF8.self))'")
            }
            state = size == 0 ? .trailer : .data(size)
        case .dataEnd:
            guard line.isEmpty else { throw .malformed("chunk data longer than its size") }
            state = .size
        case .trailer:
            if line.isEmpty { state = .finished }
        case .data, .finished:
            break
        }
    }
}
