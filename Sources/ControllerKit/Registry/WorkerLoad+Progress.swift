import LoomProtocol

extension WorkerLoad {
    /// Whether this heartbeat's load shows the worker did something since `previous`: a worker
    /// publishes its load after each step, so a long prefill that streams no token yet still moves
    /// its KV blocks, a queue of images being encoded moves its vision counters, and admissions and
    /// retirements move its counts. A heartbeat that repeats the last load proves only that the
    /// worker's connection is alive, not that it works. The token rate is left out: its window
    /// slides with time alone.
    func showsWork(since previous: WorkerLoad) -> Bool {
        waiting != previous.waiting || running != previous.running || kvBlocksUsed != previous.kvBlocksUsed
            || recentImages != previous.recentImages || prefixCache != previous.prefixCache
            || vision != previous.vision
    }
}
