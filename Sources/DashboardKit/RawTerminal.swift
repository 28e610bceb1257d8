import Glibc

/// The controlling terminal in raw mode on the alternate screen, for a full-screen view.
///
/// `enter` saves the terminal's settings and switches; `restore` puts everything back and is safe
/// to call more than once (it also runs on `deinit`). Ctrl-C arrives as a key (ISIG is off) so the
/// view can quit through its own path, which restores.
public final class RawTerminal {
    private let input: Int32
    private let output: Int32
    private var saved: termios?

    /// `nil` when input or output is not a terminal.
    public init?(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) {
        guard isatty(input) == 1, isatty(output) == 1 else { return nil }
        self.input = input
        self.output = output
    }

    deinit { restore() }

    public func enter() throws(TerminalError) {
        var settings = termios()
        guard tcgetattr(input, &settings) == 0 else { throw TerminalError(call: "tcgetattr", errno: errno) }
        saved = settings
        settings.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
        settings.c_iflag &= ~tcflag_t(IXON | ICRNL)
        withUnsafeMutableBytes(of: &settings.c_cc) { characters in
            // Reads return at once, with what has been typed or nothing: keys are waited for with poll.
            characters[Int(VMIN)] = 0
            characters[Int(VTIME)] = 0
        }
        guard tcsetattr(input, TCSAFLUSH, &settings) == 0 else {
            saved = nil
            throw TerminalError(call: "tcsetattr", errno: errno)
        }
        // Alternate screen, cursor hidden, no auto-wrap (a full-width line must not scroll the screen).
        write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[?7l\u{1B}[2J")
    }

    public func restore() {
        guard var settings = saved else { return }
        saved = nil
        write("\u{1B}[0m\u{1B}[?7h\u{1B}[?25h\u{1B}[?1049l")
        tcsetattr(input, TCSAFLUSH, &settings)
    }

    /// The window's size now, from `TIOCGWINSZ`.
    public var size: TerminalSize? { Self.size(of: output) }

    public static func size(of descriptor: Int32) -> TerminalSize? {
        var window = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 else { return nil }
        return TerminalSize(columns: Int(window.ws_col), rows: Int(window.ws_row))
    }

    /// Draws `lines` from the top-left corner, each on its own cleared row, and clears the rows
    /// below them down to `rows`.
    public func draw(_ lines: [String], rows: Int) {
        var text = "\u{1B}[?2026h"
        for (index, line) in lines.enumerated() {
            text += "\u{1B}[\(index + 1);1H\u{1B}[2K" + line
        }
        if lines.count < rows { text += "\u{1B}[\(lines.count + 1);1H\u{1B}[J" }
        write(text + "\u{1B}[?2026l")
    }

    /// Bytes typed since the last call, without waiting.
    public func readAvailable() -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
        return count > 0 ? Array(buffer[..<count]) : []
    }

    public var inputDescriptor: Int32 { input }

    private func write(_ text: String) {
        Output.write(text, to: output)
    }
}

/// A terminal call that failed.
public struct TerminalError: Error, CustomStringConvertible {
    public let call: String
    public let errno: Int32

    public var description: String { "\(call): \(String(cString: strerror(errno)))" }
}

/// Writes whole strings to a file descriptor, retrying short writes and EINTR.
enum Output {
    static func write(_ text: String, to descriptor: Int32) {
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            written += count
        }
    }
}
