/// A request to send over a new connection (which the server is asked to close after answering).
public struct HTTPRequest: Sendable {
    public var method: String
    /// Path and query, starting with `/`.
    public var path: String
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(method: String, path: String, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    public static func get(_ path: String) -> HTTPRequest {
        HTTPRequest(method: "GET", path: path)
    }

    /// A POST with a JSON body.
    public static func postJSON(_ path: String, _ body: [UInt8]) -> HTTPRequest {
        HTTPRequest(method: "POST", path: path, headers: [("Content-Type", "application/json")], body: body)
    }

    /// The bytes on the wire, for `host:port`.
    func serialized(host: String, port: Int) -> [UInt8] {
        let authority = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(authority)\r\nConnection: close\r\n"
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        return Array((head + "\r\n").utf8) + body
    }
}
