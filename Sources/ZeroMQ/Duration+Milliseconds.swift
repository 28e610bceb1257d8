extension Duration {
    /// Whole milliseconds as libzmq's `int` options want them; negative durations count as zero.
    var zmqMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        let milliseconds = seconds.multipliedReportingOverflow(by: 1000)
        guard !milliseconds.overflow else { return seconds < 0 ? 0 : Int32.max }
        return Int32(clamping: max(0, milliseconds.partialValue + attoseconds / 1_000_000_000_000_000))
    }
}

extension Optional<Duration> {
    /// Milliseconds, or libzmq's `-1` ("wait forever") for `nil`.
    var zmqMillisecondsOrInfinite: Int32 { map(\.zmqMilliseconds) ?? -1 }
}
