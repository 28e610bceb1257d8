import Foundation

extension BenchReport {
    /// Every figure under SGLang's bench_serving names (`completed`, `request_throughput`,
    /// `mean_ttft_ms`, `p99_itl_ms`, …), plus `failed`, `errors_by_kind`, and p90 and max for each
    /// latency; then the prefix cache's share and, for conversations, the figures by turn. Absent
    /// values (the rate of a closed loop, a share the server did not report) are `null`.
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
        fields.merge(cacheFields) { $1 }
        return try JSONSerialization.data(withJSONObject: fields, options: [.prettyPrinted, .sortedKeys])
    }

    /// The system prompt, the conversations, the cache's share and the figures by turn.
    private var cacheFields: [String: Any] {
        func orNull(_ value: Any?) -> Any { value ?? NSNull() }
        var conversations: Int?
        var turnCount: Int?
        if case .conversations(let count, let turns, _) = load { (conversations, turnCount) = (count, turns) }
        return [
            "system_prompt_tokens": orNull(systemPromptTokens), "conversations": orNull(conversations), "turns": orNull(turnCount),
            "requests_reporting_cached_tokens": cache.reporting,
            "total_cached_tokens": orNull(cache.reporting > 0 ? cache.cachedTokens : nil),
            "cached_token_share": orNull(cache.share), "followup_cached_token_share": orNull(followUpCache?.share),
            "turn_stats": orNull(turns.isEmpty ? nil : turns.map { turn in
                [
                    "turn": turn.turn, "completed": turn.completed, "failed": turn.failed,
                    "mean_input_tokens": turn.meanInputTokens, "median_ttft_ms": turn.timeToFirstToken.median,
                    "p90_ttft_ms": turn.timeToFirstToken.p90, "p99_ttft_ms": turn.timeToFirstToken.p99,
                    "mean_ttft_ms": turn.timeToFirstToken.mean, "cached_token_share": orNull(turn.cache.share),
                ] as [String: Any]
            }),
        ]
    }
}
