/// Where a client finds the controller: its LOOMC1 ZeroMQ endpoint or its HTTP front door.
public enum ControllerAddress: Sendable, Equatable, CustomStringConvertible {
    /// `tcp://HOST:PORT`, the controller's client ROUTER.
    case zeroMQ(host: String, port: Int)
    /// `http://HOST:PORT`, the OpenAI-compatible API.
    case http(host: String, port: Int)

    /// Parses `--controller tcp://HOST:PORT` (IPv6 hosts in brackets).
    public static func zeroMQ(_ text: String) throws(AddressError) -> ControllerAddress {
        let (host, port) = try split(text, scheme: "tcp://", option: "--controller")
        return .zeroMQ(host: host, port: port)
    }

    /// Parses `--url http://HOST:PORT` (an optional trailing `/`; IPv6 hosts in brackets).
    public static func http(_ text: String) throws(AddressError) -> ControllerAddress {
        var trimmed = Substring(text)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        let (host, port) = try split(String(trimmed), scheme: "http://", option: "--url")
        return .http(host: host, port: port)
    }

    public var host: String {
        switch self {
        case .zeroMQ(let host, _), .http(let host, _): host
        }
    }

    public var port: Int {
        switch self {
        case .zeroMQ(_, let port), .http(_, let port): port
        }
    }

    /// What a ZeroMQ socket connects to, or the URL's origin.
    public var description: String {
        switch self {
        case .zeroMQ: "tcp://\(authority)"
        case .http: "http://\(authority)"
        }
    }

    /// The URL of `path` (which starts with `/`) on this HTTP address.
    public func url(_ path: String) -> String {
        "http://\(authority)\(path)"
    }

    /// `HOST:PORT`, an IPv6 host in brackets.
    private var authority: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// 127.0.0.0/8, `localhost` or `::1`: the only targets allowed without `--allow-remote`.
    public var isLoopback: Bool { Loopback.contains(host) }

    private static func split(_ text: String, scheme: String, option: String) throws(AddressError) -> (String, Int) {
        guard text.hasPrefix(scheme) else { throw AddressError("\(option) takes \(scheme)HOST:PORT, not '\(text)'") }
        let rest = text.dropFirst(scheme.count)
        let host: Substring
        let portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].hasPrefix(":") else {
                throw AddressError("\(option): '\(text)' has an unclosed IPv6 address or no port")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            portText = rest[rest.index(close, offsetBy: 2)...]
        } else {
            guard let colon = rest.lastIndex(of: ":") else { throw AddressError("\(option): '\(text)' has no port") }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        }
        guard !host.isEmpty, host != "*", !host.contains("/") else {
            throw AddressError("\(option): '\(text)' needs a host to connect to")
        }
        guard let port = Int(portText), (1...65_535).contains(port) else {
            throw AddressError("\(option): '\(text)' needs a port between 1 and 65535")
        }
        return (String(host), port)
    }
}

/// A controller address that could not be read; the message names the option and the problem.
public struct AddressError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
