import Engine
import Foundation

/// The KV pool's default size, taken from the memory the machine has rather than a constant: a fixed
/// 256 MiB let one 7,500-token SmolLM2 prompt run at a time on a 24 GiB machine. Like vLLM's memory
/// utilisation, a share of what is available once the weights are loaded; never more than every
/// sequence's full context needs (the rest would never be used), never less than 64 MiB.
/// The pool is reserved, not written: pages become resident as blocks are used.
public struct KVPoolSize: Sendable, Equatable {
    public let bytes: Int
    /// Why this size, for the start-up log.
    public let reason: String

    public static let floor = 64 << 20

    public static func automatic(availableBytes: Int, weightBytes: Int, share: Double, ceilingBytes: Int) -> KVPoolSize {
        let spare = max(availableBytes - weightBytes, 0)
        let wanted = Int(Double(spare) * share)
        let bytes = max(min(wanted, ceilingBytes), floor)
        let because = wanted > ceilingBytes ? "what every sequence's full context needs"
            : wanted < floor ? "the smallest pool"
            : "\(Int(share * 100))% of the \(gib(spare)) available beside the weights"
        return KVPoolSize(bytes: bytes, reason: "\(gib(bytes)), sized from memory: \(because) (--kv-budget sets it)")
    }

    /// Memory this process may still take: the kernel's estimate of available memory, and within a
    /// cgroup (a container) with a limit, what the limit leaves.
    public static func availableBytes() -> Int? {
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)).flatMap { ProcessMemory.bytes(of: "MemAvailable", in: $0) }
        let limit = cgroupValue("memory.max").map { max($0 - (cgroupValue("memory.current") ?? 0), 0) }
        return [meminfo, limit].compactMap { $0 }.min()
    }

    private static func cgroupValue(_ name: String) -> Int? {
        (try? String(contentsOfFile: "/sys/fs/cgroup/\(name)", encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }  // "max" is no limit
    }

    private static func gib(_ bytes: Int) -> String { String(format: "%.1f GiB", Double(bytes) / Double(1 << 30)) }
}
