/// Polls `condition` until it holds or `timeout` passes; whether it came to hold. A bound on a wait,
/// never a timed assertion: healthy runs end the wait long before it.
func eventually(within timeout: Duration = .seconds(30), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}
