/// The one-line progress of a run: a bar filled by requests done (or time spent), then the counts.
public enum ProgressBar {
    public static func render(
        stop: BenchConfiguration.Stop, finished: Int, failed: Int, inFlight: Int, elapsed: Duration, width: Int = 30
    ) -> String {
        let seconds = elapsed.milliseconds / 1000
        let share: Double
        let position: String
        switch stop {
        case .requests(let count):
            share = Double(finished) / Double(max(1, count))
            position = "\(finished)/\(count) requests"
        case .duration(let duration):
            let total = duration.milliseconds / 1000
            share = seconds / max(0.001, total)
            position = "\(oneDecimal(min(seconds, total)))/\(oneDecimal(total))s, \(finished) requests"
        }
        let filled = Int((min(1, max(0, share)) * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        return "[\(bar)] \(position), \(failed) failed, \(inFlight) in flight, \(oneDecimal(seconds))s"
    }

    private static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
