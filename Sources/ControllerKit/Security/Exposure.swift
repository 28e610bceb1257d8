/// Whether a ZeroMQ endpoint the controller binds can be reached from other machines: the check
/// behind its protected mode, which refuses to listen beyond loopback without CURVE keys unless told
/// `--insecure` (Redis's protected mode does the same).
public enum Exposure {
    /// `ipc://` and `inproc://`, and `tcp://` on a loopback address (127.0.0.0/8, `localhost`,
    /// `::1`). A wildcard (`*`, `0.0.0.0`, `::`), an interface name or any other address is not.
    public static func isLocal(_ endpoint: String) -> Bool {
        if endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://") { return true }
        guard endpoint.hasPrefix("tcp://") else { return false }
        var host = endpoint.dropFirst("tcp://".count)
        if let colon = host.lastIndex(of: ":") { host = host[..<colon] }
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// Why listening on `endpoint` (given as `option`) without CURVE is refused.
    public static func refusal(option: String, endpoint: String) -> String {
        "\(option) \(endpoint) listens beyond this machine without CURVE keys: anyone who can reach it could register as a worker or send requests. Give --curve-secret-key (loom-controller keygen), bind to 127.0.0.1, or pass --insecure"
    }
}
