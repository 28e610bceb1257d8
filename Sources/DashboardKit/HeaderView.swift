import LoomProtocol

/// The lines above the table: where, how long up, worker counts and the controller's rates, and
/// a warning while the controller does not answer. Items flow onto as many lines as the width needs.
enum HeaderView {
    static func lines(_ frame: DashboardFrame, width: Int) -> [StyledLine] {
        let workers = frame.history.workers(at: frame.now)
        let count = { (states: Set<WorkerState>) in workers.filter { states.contains($0.state) }.count }
        let live = count([.ready, .busy]), stale = count([.stale]), dead = count([.gone])
        var first: [[Span]] = [[Span("loom-top", .bold)], [Span(Format.printable(frame.source))]]
        if let uptime = frame.status?.uptimeMs {
            first.append([Span("up " + Format.duration(milliseconds: uptime))])
        }
        var second: [[Span]] = [
            [Span("workers "), Span("\(live) live", live > 0 ? .good : .plain)],
            [Span("\(stale) stale", stale > 0 ? .warning : .plain)],
            [Span("\(dead) dead", dead > 0 ? .bad : .plain)],
        ]
        if let counters = frame.status?.counters {
            second += [
                [Span("req/s "), Span(Format.rate(counters.requestsPerSecond), .bold)],
                [Span("tok/s "), Span(Format.rate(counters.tokensPerSecond), .bold)],
                [Span("queue "), Span("\(counters.queueLength)", counters.queueLength > 0 ? .warning : .bold)],
                [Span("in flight "), Span("\(counters.inFlight)", .bold)],
                [Span("errors/min "), Span("\(counters.errorsLastMinute)", counters.errorsLastMinute > 0 ? .bad : .bold)],
            ]
        }
        var lines = flow(first, width: width) + flow(second, width: width)
        if let failure = frame.failure {
            let since = frame.secondsSinceAnswer.map { ", last answer \(Format.duration(milliseconds: Int($0 * 1000))) ago" } ?? ""
            let retry = Format.duration(milliseconds: frame.intervalMs)
            let words = "controller unreachable: \(Format.printable(failure)) (retrying every \(retry)\(since))"
                .split(separator: " ").map { [Span(String($0), .bad)] }
            lines += flow(words, width: width, separator: " ").prefix(2)
        } else {
            lines.append(StyledLine())
        }
        return lines
    }

    /// Items separated by `separator`, wrapped before an item that would not fit.
    static func flow(_ items: [[Span]], width: Int, separator: String = "  ") -> [StyledLine] {
        var lines: [StyledLine] = []
        var line = StyledLine()
        for item in items {
            let itemWidth = item.reduce(0) { $0 + $1.text.count }
            if line.width > 0, line.width + separator.count + itemWidth > width {
                lines.append(line)
                line = StyledLine()
            }
            if line.width > 0 { line.spans.append(Span(separator, item.first?.style ?? .plain)) }
            line.spans += item
        }
        if line.width > 0 { lines.append(line) }
        return lines
    }
}
