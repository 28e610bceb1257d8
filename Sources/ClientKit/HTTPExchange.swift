/// One HTTP/1.1 request and its response over a new TCP connection: blocking, on the calling
/// thread (never the cooperative pool). The body can be read piece by piece as it arrives, which is
/// how a server-sent event stream is timed.
public final class HTTPExchange {
    private enum Framing {
        case chunked(ChunkedDecoder)
        case length(remaining: Int)
        case untilClose
        case finished
    }

    public let head: HTTPResponseHead
    private let stream: TCPStream
    private var framing: Framing
    /// Bytes received after the head, not yet given out.
    private var leftover: [UInt8]
    /// A head longer than this is not an answer from our controller.
    private static let maxHeadBytes = 64 << 10

    /// Connects, sends `request`, and reads the response head. `timeout` bounds the connect and
    /// every wait for bytes.
    public init(host: String, port: Int, request: HTTPRequest, timeout: Duration) throws(HTTPClientError) {
        stream = try TCPStream(host: host, port: port, timeout: timeout)
        try stream.send(request.serialized(host: host, port: port))
        var received: [UInt8] = []
        var headEnd: Int?
        while headEnd == nil {
            let bytes = try stream.receive()
            guard !bytes.isEmpty else { throw received.isEmpty ? .closedEarly : .malformed("the head ended early") }
            let searchFrom = max(0, received.count - 3)
            received += bytes
            headEnd = Self.endOfHead(in: received, from: searchFrom)
            guard headEnd != nil || received.count <= Self.maxHeadBytes else { throw .malformed("the head is too long") }
        }
        let end = headEnd ?? 0
        head = try HTTPResponseHead.parse(received[..<end])
        leftover = Array(received[(end + 4)...])
        if request.method == "HEAD" || head.status == 204 || head.status == 304 {
            framing = .finished
        } else if head.isChunked {
            framing = .chunked(ChunkedDecoder())
        } else if let length = head.contentLength {
            framing = length > 0 ? .length(remaining: length) : .finished
        } else {
            framing = .untilClose
        }
    }

    /// The next piece of the body as it arrives; `nil` once the body is complete.
    public func nextBodyBytes() throws(HTTPClientError) -> [UInt8]? {
        while true {
            if case .finished = framing { return nil }
            let bytes: [UInt8]
            if leftover.isEmpty {
                bytes = try stream.receive()
            } else {
                bytes = leftover
                leftover = []
            }
            if bytes.isEmpty {
                guard case .untilClose = framing else { throw .closedEarly }
                framing = .finished
                return nil
            }
            let body = try decode(bytes)
            if !body.isEmpty { return body }
        }
    }

    /// The rest of the body, refusing one larger than `limit` bytes.
    public func readBody(limit: Int = 16 << 20) throws(HTTPClientError) -> [UInt8] {
        var body: [UInt8] = []
        while let bytes = try nextBodyBytes() {
            body += bytes
            guard body.count <= limit else { throw .malformed("the body is larger than \(limit) bytes") }
        }
        return body
    }

    private func decode(_ bytes: [UInt8]) throws(HTTPClientError) -> [UInt8] {
        switch framing {
        case .chunked(var decoder):
            let body = try decoder.feed(bytes)
            framing = decoder.isFinished ? .finished : .chunked(decoder)
            return body
        case .length(let remaining):
            let body = Array(bytes.prefix(remaining))
            framing = body.count == remaining ? .finished : .length(remaining: remaining - body.count)
            return body
        case .untilClose:
            return bytes
        case .finished:
            return []
        }
    }

    private static func endOfHead(in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= 4 else { return nil }
        let marker: [UInt8] = [13, 10, 13, 10]
        return (start...(bytes.count - 4)).first { bytes[$0..<($0 + 4)].elementsEqual(marker) }
    }
}

/// A whole response.
public struct HTTPResponse: Sendable, Equatable {
    public var head: HTTPResponseHead
    public var body: [UInt8]

    public var status: Int { head.status }

    /// One request, the whole answer.
    public static func fetch(
        _ request: HTTPRequest, host: String, port: Int, timeout: Duration, limit: Int = 16 << 20
    ) throws(HTTPClientError) -> HTTPResponse {
        let exchange = try HTTPExchange(host: host, port: port, request: request, timeout: timeout)
        return HTTPResponse(head: exchange.head, body: try exchange.readBody(limit: limit))
    }
}
