import Engine
import Foundation

/// The most memory a stretch of work made resident, from the kernel's high-water mark (VmHWM) after
/// resetting it: writing "5" to /proc/self/clear_refs sets the mark to the current resident set.
enum PeakMemory {
    /// Runs `work` and returns what it returned, with how far the peak rose above the resident set at
    /// its start, in bytes; the rise is nil where the mark cannot be reset (not Linux).
    static func rise<T>(during work: () throws -> T) rethrows -> (T, rise: Int?) {
        let reset = (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
        let before = ProcessMemory.residentBytes
        let result = try work()
        let peak = ProcessMemory.peakResidentBytes
        return (result, reset && before > 0 ? max(0, peak - before) : nil)
    }

    static func megabytes(_ bytes: Int?) -> String {
        bytes.map { String(format: "%.1f MB", Double($0) / 1e6) } ?? "unknown"
    }
}
