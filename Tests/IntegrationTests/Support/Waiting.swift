/// Polls `condition` until it holds or `timeout` passes; whether it came to hold.
func eventually(within timeout: Duration, every interval: Duration = .milliseconds(20), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return await condition()
}
