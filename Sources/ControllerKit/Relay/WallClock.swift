import Foundation

/// Maps the monotonic clock the controller runs on to Unix milliseconds, the wire's deadlines.
/// Fixed at start, so a step of the system clock cannot make requests time out at once.
public struct WallClock: Sendable {
    public let origin: ContinuousClock.Instant
    public let originUnixMs: Int

    public init(origin: ContinuousClock.Instant = .now, originUnixMs: Int = Int(Date().timeIntervalSince1970 * 1000)) {
        self.origin = origin
        self.originUnixMs = originUnixMs
    }

    /// In whole milliseconds counted exactly (a Double's 0.299 × 1000 truncates to 298), so that a
    /// client's deadline comes back unchanged from `instant(atUnixMs:)`.
    public func unixMs(at instant: ContinuousClock.Instant) -> Int {
        let elapsed = origin.duration(to: instant).components
        return originUnixMs + Int(elapsed.seconds) * 1000 + Int(elapsed.attoseconds / 1_000_000_000_000_000)
    }

    public func instant(atUnixMs unixMs: Int) -> ContinuousClock.Instant {
        origin + .milliseconds(unixMs - originUnixMs)
    }
}
