import Foundation

/// Resident memory of this process, from /proc (Linux).
public enum ProcessMemory {
    /// VmHWM: the peak resident set.
    public static var peakResidentBytes: Int { field("VmHWM") }
    /// VmRSS: the current resident set.
    public static var residentBytes: Int { field("VmRSS") }

    private static func field(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let kib = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
            return (kib ?? 0) * 1024
        }
        return 0
    }
}
