/// Polling with a bound: tests wait for what real processes do, never forever.
public enum Waiting {
    /// Checks `condition` every 20 ms until it holds or `timeout` passes; whether it came to hold.
    public static func until(within timeout: Duration, _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }
}
