import Foundation

/// Tokens generated over a sliding window of time, for the heartbeat's tokens/s.
struct ThroughputWindow {
    let seconds: TimeInterval = 10
    private var samples: [(time: Date, tokens: Int)] = []

    mutating func record(_ tokens: Int, at time: Date) {
        samples.append((time, tokens))
        if samples.count > 4096 { samples.removeFirst(samples.count - 2048) }
    }

    /// Tokens per second over the window ending `now`; a window younger than one second counts as one.
    func rate(now: Date) -> Double {
        let window = samples.filter { now.timeIntervalSince($0.time) <= seconds }
        guard let first = window.first else { return 0 }
        let span = max(now.timeIntervalSince(first.time), 1)
        return Double(window.reduce(0) { $0 + $1.tokens }) / span
    }
}
