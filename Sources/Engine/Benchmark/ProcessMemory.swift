import Foundation

/// Resident memory of this process, from /proc (Linux).
public enum ProcessMemory {
    /// VmHWM: the peak resident set.
    public static var peakResidentBytes: Int { field("VmHWM") }
    /// VmRSS: the current resident set.
    public static var residentBytes: Int { field("VmRSS") }

    private static func field(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        return (bytes(of: name, in: status)) ?? 0
    }

    /// The value of a `Name:\tvalue kB` line of /proc/self/status or /proc/meminfo, in bytes. The value
    /// follows a tab and is padded with spaces to 8 digits: "VmHWM:\t  265832 kB", but "VmHWM:\t20890340 kB".
    public static func bytes(of name: String, in status: String) -> Int? {
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            return words.dropFirst().first.flatMap { Int($0) }.map { $0 * 1024 }
        }
        return nil
    }
}
