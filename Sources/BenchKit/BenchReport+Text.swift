import Foundation

extension BenchReport {
    /// The table vLLM's and SGLang's serving benchmarks print, then the prefix cache's share and,
    /// for conversations, TTFT by turn.
    public var text: String {
        var lines = [Self.banner(" Serving Benchmark Result ", fill: "=")]
        func row(_ label: String, _ value: String) { lines.append(Self.row(label, value)) }
        let number = Self.number
        row("Backend:", backend)
        row("Target:", target)
        row("Model:", model)
        switch load {
        case .closed(let concurrency): row("Load:", "closed loop, \(concurrency) concurrent streams")
        case .open(let rate, let burstiness):
            row("Load:", "open loop, \(number(rate)) req/s, burstiness \(number(burstiness))\(burstiness == 1 ? " (Poisson)" : "")")
        case .conversations(let count, let turns, let concurrency):
            row("Load:", "\(count) conversations of \(turns) turns, \(concurrency) at once (closed loop)"
                + (thinkTime > .zero ? ", \(thinkTime) mean think time" : ""))
        }
        row("Successful requests:", String(completed))
        row("Failed requests:", String(failed))
        for (kind, count) in errorsByKind.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
            row("  \(kind):", String(count))
        }
        row("Benchmark duration (s):", number(duration))
        row("Total input tokens:", String(totalInputTokens))
        row("Total generated tokens:", String(totalOutputTokens))
        row("Request throughput (req/s):", number(requestThroughput))
        row("Input token throughput (tok/s):", number(inputThroughput))
        row("Output token throughput (tok/s):", number(outputThroughput))
        row("Total token throughput (tok/s):", number(totalThroughput))
        row("Peak concurrent requests:", String(peakConcurrency))
        row("Mean concurrency:", number(averageConcurrency))
        let headings = [
            "ttft": "Time to First Token", "tpot": "Time per Output Token (excl. 1st token)",
            "itl": "Inter-token Latency", "e2e_latency": "End-to-end Latency",
        ]
        for latency in latencies {
            lines.append(Self.banner(headings[latency.name] ?? latency.title, fill: "-"))
            let summary = latency.summary
            for (statistic, value) in [
                ("Mean", summary.mean), ("Median", summary.median), ("P90", summary.p90), ("P99", summary.p99),
                ("Max", summary.max),
            ] {
                row("\(statistic) \(latency.title) (ms):", number(value))
            }
        }
        lines += cacheLines
        if !turns.isEmpty { lines += turnLines }
        lines.append(String(repeating: "=", count: 50))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `label` padded to 40 columns, then `value`.
    static func row(_ label: String, _ value: String) -> String {
        label.padding(toLength: 40, withPad: " ", startingAt: 0) + " " + value
    }

    static func number(_ value: Double) -> String { String(format: "%.2f", value) }

    /// `title` centred in a 50-character rule.
    static func banner(_ title: String, fill: Character) -> String {
        let left = max(0, (50 - title.count) / 2)
        let right = max(0, 50 - title.count - left)
        return String(repeating: fill, count: left) + title + String(repeating: fill, count: right)
    }
}
