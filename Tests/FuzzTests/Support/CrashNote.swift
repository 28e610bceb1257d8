#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A line printed to standard error if the process dies of a signal (a Swift trap is SIGILL or
/// SIGTRAP, a bad access SIGSEGV or SIGBUS, a C library's abort SIGABRT): the fuzz iteration that was
/// running, so a crash can be replayed. The handler writes the line, puts back the handler that was
/// there before (the Swift runtime's backtracer, or the default), and returns: the faulting
/// instruction runs again and that handler takes it.
enum CrashNote {
    private static let capacity = 512
    nonisolated(unsafe) private static let text = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    nonisolated(unsafe) private static var length = 0
    nonisolated(unsafe) private static let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
    nonisolated(unsafe) private static var installed = false
    private static let signals: [Int32] = [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE]

    /// Replaces the note; "" for none. Fuzz iterations run one at a time.
    static func set(_ note: String) {
        let bytes = Array(("\nfuzz crash in " + note + "\n").utf8.prefix(capacity))
        length = 0
        guard !note.isEmpty else { return }
        bytes.withUnsafeBufferPointer { text.update(from: $0.baseAddress!, count: $0.count) }
        length = bytes.count
    }

    static func install() {
        guard !installed else { return }
        installed = true
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                if CrashNote.length > 0 { _ = write(2, CrashNote.text, CrashNote.length) }
                sigaction(signal, CrashNote.previous + Int(signal), nil)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(signal, &action, previous + Int(signal))
        }
    }
}
