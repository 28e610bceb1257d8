import Foundation

extension BenchReport {
    /// Every figure under SGLang's bench_serving names (`completed`, `request_throughput`,
    /// `mean_ttft_ms`, `p99_itl_ms`, …), plus `failed`, `errors_by_kind`, and p90 and max for each
    /// latency. Absent values (the rate of a closed loop) are `null`.
    public func json() throws -> Data {
        var fields: [String: Any] = [
            "backend": backend, "base_url": target, "model_id": model, "max_tokens": maxTokens,
            "completed": completed, "failed": failed, "errors_by_kind": errorsByKind, "duration": duration,
            "total_input_tokens": totalInputTokens, "total_output_tokens": totalOutputTokens,
            "request_throughput": requestThroughput, "input_throughput": inputThroughput,
            "output_throughput": outputThroughput, "total_throughput": totalThroughput,
            "max_concurrent_requests": peakConcurrency, "concurrency": averageConcurrency,
            "max_concurrency": maxConcurrency.map { $0 as Any } ?? NSNull(),
            "request_rate": requestRate.map { $0 as Any } ?? NSNull(),
            "burstiness": burstiness.map { $0 as Any } ?? NSNull(),
        ]
        for latency in latencies {
            let summary = latency.summary
            for (statistic, value) in [
                ("mean", summary.mean), ("median", summary.median), ("std", summary.standardDeviation),
                ("p90", summary.p90), ("p99", summary.p99), ("max", summary.max),
            ] {
                fields["\(statistic)_\(latency.name)_ms"] = value
            }
        }
        return try JSONSerialization.data(withJSONObject: fields, options: [.prettyPrinted, .sortedKeys])
    }
}
