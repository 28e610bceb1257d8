/// Which host names and addresses stay on this machine.
public enum Loopback {
    /// `localhost`, any IPv4 address in 127.0.0.0/8, or `::1` (also written out in full).
    /// Other names are not resolved: a name that happens to resolve to loopback still counts as remote.
    public static func contains(_ host: String) -> Bool {
        let name = host.lowercased()
        if name == "localhost" || name == "localhost." { return true }
        if let octets = ipv4Octets(name) { return octets[0] == 127 }
        return isIPv6Loopback(name)
    }

    private static func ipv4Octets(_ text: String) -> [Int]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let octets = parts.compactMap { part -> Int? in
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCII) else { return nil }
            return Int(part).flatMap { (0...255).contains($0) ? $0 : nil }
        }
        return octets.count == 4 ? octets : nil
    }

    /// `::1`, or the same with its zero groups written out (`0:0:0:0:0:0:0:1`).
    private static func isIPv6Loopback(_ text: String) -> Bool {
        if text == "::1" { return true }
        let groups = text.split(separator: ":", omittingEmptySubsequences: false)
        guard groups.count == 8, groups.last.flatMap({ UInt16($0, radix: 16) }) == 1 else { return false }
        return groups.dropLast().allSatisfy { !$0.isEmpty && UInt16($0, radix: 16) == 0 }
    }
}
