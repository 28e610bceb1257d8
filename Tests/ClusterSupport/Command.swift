import Glibc
import TestSupport

/// Runs a short command to its end with `posix_spawn` and `waitpid`, collecting stdout and stderr.
///
/// Foundation's `Process` learns that a child ended when a descriptor the child inherited is
/// closed; a command that leaves a daemon behind (`tmux new-session` starts its server) keeps that
/// descriptor open, and `waitUntilExit` never returns. This waits for the process itself.
public enum Command {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `executable` with `arguments` on a thread of its own; after `timeout` it is killed
    /// (status then 128 + 9). With `capture` false, its output goes to /dev/null, so nothing it
    /// leaves running holds a pipe of ours.
    public static func run(
        _ executable: String, _ arguments: [String], capture: Bool = true, timeout: Duration = .seconds(30)
    ) async throws -> Result {
        try await offThePool { try runBlocking(executable, arguments, capture: capture, timeout: timeout) }
    }

    /// The same, on the calling thread: only where waiting cannot be avoided (a `deinit`).
    public static func runBlocking(
        _ executable: String, _ arguments: [String], capture: Bool = true, timeout: Duration = .seconds(30)
    ) throws -> Result {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var pipes: [[Int32]] = []
        for target in [Int32(1), 2] {
            if capture {
                var ends: [Int32] = [0, 0]
                guard pipe(&ends) == 0 else { throw ClusterError("pipe failed: errno \(errno)") }
                posix_spawn_file_actions_adddup2(&actions, ends[1], target)
                posix_spawn_file_actions_addclose(&actions, ends[0])
                posix_spawn_file_actions_addclose(&actions, ends[1])
                pipes.append(ends)
            } else {
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
            }
        }
        // Test threads block most signals and hold descriptors open; a daemon left behind must
        // get neither, or it cannot be stopped and keeps our pipes (and `swift test`) waiting.
        for descriptor in openDescriptors() where descriptor > 2 && !pipes.joined().contains(descriptor) {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        sigfillset(&signals)
        posix_spawnattr_setsigdefault(&attributes, &signals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        for ends in pipes { close(ends[1]) }
        guard spawned == 0 else {
            for ends in pipes { close(ends[0]) }
            throw ClusterError("cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        let outputs = collect(pipes.map { $0[0] }, until: .now + timeout)
        var status: Int32 = 0
        if outputs == nil { kill(pid, SIGKILL) }
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Result(status: exit, stdout: outputs?.first ?? "", stderr: outputs?.last ?? "")
    }

    /// The descriptors this process has open, from /proc/self/fd.
    private static func openDescriptors() -> [Int32] {
        guard let directory = opendir("/proc/self/fd") else { return [] }
        defer { closedir(directory) }
        var descriptors: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let descriptor = Int32(name), descriptor != dirfd(directory) { descriptors.append(descriptor) }
        }
        return descriptors
    }

    /// Reads every descriptor to its end; `nil` if the deadline came first.
    private static func collect(_ descriptors: [Int32], until deadline: ContinuousClock.Instant) -> [String]? {
        defer { descriptors.forEach { close($0) } }
        var texts = [[UInt8]](repeating: [], count: descriptors.count)
        var open = Set(descriptors.indices)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !open.isEmpty {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { return nil }
            var entries = open.sorted().map { pollfd(fd: descriptors[$0], events: Int16(POLLIN), revents: 0) }
            let milliseconds = Int32(min(1000, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1))
            guard poll(&entries, nfds_t(entries.count), milliseconds) >= 0 || errno == EINTR else { return nil }
            for (index, entry) in zip(open.sorted(), entries) where entry.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(descriptors[index], $0.baseAddress, $0.count) }
                if count > 0 { texts[index] += buffer[..<count] } else { open.remove(index) }
            }
        }
        return texts.map { String(decoding: $0, as: UTF8.self) }
    }
}
