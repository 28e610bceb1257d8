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

    public func unixMs(at instant: ContinuousClock.Instant) -> Int {
        originUnixMs + Int(origin.duration(to: instant).seconds * 1000)
    }

    public func instant(atUnixMs unixMs: Int) -> ContinuousClock.Instant {
        origin + .milliseconds(unixMs - originUnixMs)
    }
}
