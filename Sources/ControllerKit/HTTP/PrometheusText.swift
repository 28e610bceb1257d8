import LoomProtocol

/// The Prometheus text exposition of a snapshot, names in the style of vLLM's and SGLang's.
enum PrometheusText {
    static func render(_ snapshot: ControllerSnapshot) -> String {
        var text = ""
        let metrics = snapshot.metrics
        family(&text, "loom_requests_total", "counter", "Requests ended, by outcome.")
        for (outcome, count) in metrics.outcomes.sorted(by: { $0.key < $1.key }) {
            sample(&text, "loom_requests_total", ["outcome": outcome], Double(count))
        }
        counter(&text, "loom_prompt_tokens_total", "Prompt tokens (images included) of completed requests.", metrics.promptTokens)
        counter(&text, "loom_generation_tokens_total", "Tokens generated.", metrics.generationTokens)
        histogram(&text, "loom_time_to_first_token_seconds", "From arrival at the controller to the first token.", metrics.timeToFirstToken)
        histogram(&text, "loom_inter_token_latency_seconds", "Between tokens of one request.", metrics.interTokenLatency)
        histogram(&text, "loom_e2e_request_latency_seconds", "From arrival at the controller to the end.", metrics.endToEndLatency)
        let counters = snapshot.status.counters
        gauge(&text, "loom_queue_length", "Requests waiting for a worker.", [([:], Double(counters.queueLength))])
        gauge(&text, "loom_requests_in_flight", "Requests dispatched to workers and not ended.", [([:], Double(counters.inFlight))])
        let workers = snapshot.status.workers
        gauge(&text, "loom_worker_running", "Sequences running, by the worker's last heartbeat.",
              workers.map { (["worker": $0.id], Double($0.load.running)) })
        gauge(&text, "loom_worker_waiting", "Requests waiting at the worker, by its last heartbeat.",
              workers.map { (["worker": $0.id], Double($0.load.waiting)) })
        gauge(&text, "loom_worker_kv_usage_ratio", "Share of the worker's KV blocks in use.",
              workers.map { (["worker": $0.id], $0.load.kvBlocksTotal > 0 ? Double($0.load.kvBlocksUsed) / Double($0.load.kvBlocksTotal) : 0) })
        gauge(&text, "loom_worker_up", "1 while the worker is ready or busy, 0 while stale.",
              workers.map { (["worker": $0.id], $0.state == .ready || $0.state == .busy ? 1 : 0) })
        return text
    }

    private static func family(_ text: inout String, _ name: String, _ type: String, _ help: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    private static func counter(_ text: inout String, _ name: String, _ help: String, _ value: Int) {
        family(&text, name, "counter", help)
        sample(&text, name, [:], Double(value))
    }

    private static func gauge(_ text: inout String, _ name: String, _ help: String, _ samples: [([String: String], Double)]) {
        family(&text, name, "gauge", help)
        for (labels, value) in samples { sample(&text, name, labels, value) }
    }

    private static func histogram(_ text: inout String, _ name: String, _ help: String, _ histogram: Histogram) {
        family(&text, name, "histogram", help)
        var cumulative = 0
        for (bound, count) in zip(histogram.bounds, histogram.counts) {
            cumulative += count
            sample(&text, name + "_bucket", ["le": number(bound)], Double(cumulative))
        }
        sample(&text, name + "_bucket", ["le": "+Inf"], Double(histogram.count))
        sample(&text, name + "_sum", [:], histogram.sum)
        sample(&text, name + "_count", [:], Double(histogram.count))
    }

    private static func sample(_ text: inout String, _ name: String, _ labels: [String: String], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(escape($0.value))\"" }.joined(separator: ",") + "}"
        }
        text += " " + number(value) + "\n"
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// Label values escape backslash, double quote and newline.
    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
