/// Every metric the controller records, by the name `/metrics` shows it under (in the style of
/// vLLM's and SGLang's); loom-top reads some of them, so they do not change.
enum MetricName {
    /// Counter: requests ended, labelled `outcome` (`RequestOutcome.label`).
    static let requests = "loom_requests_total"
    /// Counter: prompt tokens (images included) of requests that ended with FINAL.
    static let promptTokens = "loom_prompt_tokens_total"
    /// Counter: tokens generated, counted as PARTIALs pass.
    static let generationTokens = "loom_generation_tokens_total"
    /// Timer: from arrival at the controller to the first token.
    static let timeToFirstToken = "loom_time_to_first_token_seconds"
    /// Timer: between tokens of one request.
    static let interTokenLatency = "loom_inter_token_latency_seconds"
    /// Timer: from arrival at the controller to FINAL or ERROR.
    static let endToEndLatency = "loom_e2e_request_latency_seconds"
    /// Timers, by the worker's FINAL, of requests whose images were encoded: from arrival at the
    /// worker until the encoder began on them, and from then until the last was encoded.
    static let requestImageQueue = "loom_request_image_queue_seconds"
    static let requestImageEncode = "loom_request_image_encode_seconds"
    /// Gauge: requests waiting for a worker.
    static let queueLength = "loom_queue_length"
    /// Gauge: requests dispatched to workers and not ended.
    static let requestsInFlight = "loom_requests_in_flight"
    /// Gauges labelled `worker`: sequences running and requests waiting there by its last
    /// heartbeat, the share of its KV blocks in use, and 1 while it is ready or busy (0 while stale).
    static let workerRunning = "loom_worker_running"
    static let workerWaiting = "loom_worker_waiting"
    static let workerKVUsage = "loom_worker_kv_usage_ratio"
    static let workerUp = "loom_worker_up"
    /// Counters labelled `worker`, the worker's own totals since it started (they drop when it
    /// restarts): prompt positions looked up in its prefix cache, and of those the ones found;
    /// cached blocks evicted. Gauge labelled `worker`: blocks the cache holds.
    static let prefixCacheQueries = "loom_prefix_cache_queries_total"
    static let prefixCacheHits = "loom_prefix_cache_hits_total"
    static let prefixCacheEvictions = "loom_prefix_cache_evictions_total"
    static let prefixCacheBlocks = "loom_prefix_cache_blocks"
    /// Counters labelled `worker`, the worker's own totals since it started, as the prefix cache's:
    /// images encoded, and wall seconds spent encoding them. Gauge labelled `worker`: images waiting
    /// for the encoder or being encoded.
    static let imagesEncoded = "loom_images_encoded_total"
    static let imageEncodeSeconds = "loom_image_encode_seconds_total"
    static let imageEncoderQueueDepth = "loom_image_encoder_queue_depth"
}
