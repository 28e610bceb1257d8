import Dispatch
import Glibc
import Synchronization

/// Turns SIGWINCH into a redraw and SIGINT, SIGTERM, SIGHUP into a quit, through the wake pipe, so
/// the drawing thread restores the terminal itself rather than dying with it in raw mode.
final class SignalWatch {
    private final class Flag: Sendable {
        let raised = Atomic<Bool>(false)
    }

    private var sources: [any DispatchSourceSignal] = []
    private let quit = Flag()

    init(wake: WakePipe) {
        let queue = DispatchQueue(label: "loom-top-signals")
        let quit = self.quit
        for signo in [SIGWINCH, SIGINT, SIGTERM, SIGHUP] {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
            source.setEventHandler {
                if signo != SIGWINCH { quit.raised.store(true, ordering: .relaxed) }
                wake.wake()
            }
            source.resume()
            sources.append(source)
        }
    }

    var quitRequested: Bool { quit.raised.load(ordering: .relaxed) }

    func cancel() {
        for source in sources { source.cancel() }
        sources = []
    }
}
