import Foundation

extension BenchReport {
    /// The table vLLM's and SGLang's serving benchmarks print.
    public var text: String {
        var lines = [Self.banner(" Serving Benchmark Result ", fill: "=")]
        func row(_ label: String, _ value: String) { lines.append(label.padding(toLength: 40, withPad: " ", startingAt: 0) + " " + value) }
        func number(_ value: Double) -> String { String(format: "%.2f", value) }
        row("Backend:", backend)
        row("Target:", target)
        row("Model:", model)
        switch load {
        case .closed(let concurrency): row("Load:", "closed loop, \(concurrency) concurrent streams")
        case .open(let rate, let burstiness):
            row("Load:", "open loop, \(number(rate)) req/s, burstiness \(number(burstiness))\(burstiness == 1 ? " (Poisson)" : "")")
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
        lines.append(String(repeating: "=", count: 50))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `title` centred in a 50-character rule.
    private static func banner(_ title: String, fill: Character) -> String {
        let left = max(0, (50 - title.count) / 2)
        let right = max(0, 50 - title.count - left)
        return String(repeating: fill, count: left) + title + String(repeating: fill, count: right)
    }
}
