import Dispatch
import Glibc

/// Runs the dashboard: one plain frame (`once`), or the live full-screen view (`run`).
public enum Dashboard {
    /// One poll, one frame as plain text. `ok` is false when the controller did not answer (the
    /// frame then says why).
    public static func once(
        source: any StatusSource, intervalMs: Int, size: TerminalSize, glyphs: Glyphs
    ) -> (text: String, ok: Bool) {
        var state = DashboardState(source: source.description, intervalMs: intervalMs)
        var ok = true
        do {
            state.record(try source.fetch(), at: 0)
        } catch {
            state.recordFailure(String(describing: error))
            ok = false
        }
        let lines = DashboardRenderer.render(state.frame(at: 0), size: size, glyphs: glyphs)
        let text = lines.map { line in
            String(line.plain.reversed().drop { $0 == " " }.reversed())
        }
        return (text.joined(separator: "\n") + "\n", ok)
    }

    /// The live view until `q`, Ctrl-C, SIGINT, SIGTERM or SIGHUP; the terminal is restored on
    /// every way out of here.
    public static func run(
        terminal: RawTerminal, description: String, interval: Duration, colour: Bool, glyphs: Glyphs,
        makeSource: @escaping @Sendable () throws -> any StatusSource
    ) throws {
        let wake = try WakePipe()
        let signals = SignalWatch(wake: wake)
        defer { signals.cancel() }
        try terminal.enter()
        defer { terminal.restore() }
        let fetcher = Fetcher(interval: interval, wake: { wake.wake() }, makeSource: makeSource)
        defer { fetcher.stop() }

        let start = ContinuousClock.now
        let seconds = { (instant: ContinuousClock.Instant) in start.duration(to: instant).seconds }
        var state = DashboardState(source: description, intervalMs: Int(interval.seconds * 1000))
        while !state.quitting && !signals.quitRequested {
            let size = terminal.size ?? .standard
            let lines = DashboardRenderer.render(state.frame(at: seconds(.now)), size: size, glyphs: glyphs)
            terminal.draw(lines.map { $0.rendered(colour: colour) }, rows: size.rows)
            waitForInput(terminal: terminal, wake: wake, timeout: .seconds(1))
            wake.drain()
            Key.decode(terminal.readAvailable()).forEach { state.press($0) }
            for (result, time) in fetcher.take() {
                switch result {
                case .answer(let status): state.record(status, at: seconds(time))
                case .failure(let reason): state.recordFailure(reason)
                }
            }
        }
    }

    /// Waits until a key is typed, something wakes the pipe, or `timeout` passes.
    private static func waitForInput(terminal: RawTerminal, wake: WakePipe, timeout: Duration) {
        var entries = [
            pollfd(fd: terminal.inputDescriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wake.readEnd, events: Int16(POLLIN), revents: 0),
        ]
        _ = poll(&entries, nfds_t(entries.count), Int32(timeout.seconds * 1000))
    }
}
