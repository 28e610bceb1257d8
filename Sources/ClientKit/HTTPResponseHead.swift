/// The status line and headers of a response.
public struct HTTPResponseHead: Sendable, Equatable {
    public var status: Int
    /// Names lower-cased; a repeated header keeps its last value.
    public var headers: [String: String]

    public init(status: Int, headers: [String: String]) {
        self.status = status
        self.headers = headers
    }

    /// Parses the bytes before the empty line that ends the head.
    public static func parse(_ bytes: some Collection<UInt8>) throws(HTTPClientError) -> HTTPResponseHead {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = lines.first?.split(separator: " ", maxSplits: 2) ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]),
            (100...999).contains(status)
        else {
            throw .malformed("bad status line '\(lines.first ?? "")'")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("bad header line '\(line)'") }
            let name = line[..<colon].lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingSpaces
        }
        return HTTPResponseHead(status: status, headers: headers)
    }

    /// The body's length when `Content-Length` gives it.
    var contentLength: Int? { headers["content-length"].flatMap { Int($0) } }

    var isChunked: Bool { headers["transfer-encoding"]?.lowercased().contains("chunked") ?? false }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
