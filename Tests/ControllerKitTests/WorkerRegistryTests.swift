import ControllerKit
import LoomProtocol
import Testing

@Suite("Worker registry")
struct WorkerRegistryTests {
    let start = ContinuousClock.now
    let liveness = Liveness(heartbeatInterval: .seconds(1), liveness: 3)

    func at(_ milliseconds: Int) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }

    @Test func registersAndKnowsItsModels() {
        var registry = WorkerRegistry(liveness: liveness)
        #expect(registry.register(registration("a", models: ["m1", "m2"]), now: at(0)) == .registered)
        #expect(registry["a"]?.registration.host == "host-a")
        #expect(registry.knownModels == ["m1", "m2"])
        #expect(registry.liveWorkers(serving: "m2", now: at(0)).map(\.id) == ["a"])
        #expect(registry.liveWorkers(serving: "m3", now: at(0)).isEmpty)
    }

    @Test func statesFollowSilence() throws {
        var registry = WorkerRegistry(liveness: liveness)
        _ = registry.register(registration("a", maxRunning: 2), now: at(0))
        let entry = try #require(registry["a"])
        #expect(entry.state(at: at(1_999), liveness: liveness) == .ready)
        #expect(entry.state(at: at(2_000), liveness: liveness) == .stale)
        #expect(entry.state(at: at(3_000), liveness: liveness) == .gone)
        registry.record(load(running: 2), from: "a")
        #expect(registry["a"]?.state(at: at(0), liveness: liveness) == .busy)
        registry.record(load(waiting: 1, running: 0), from: "a")
        #expect(registry["a"]?.state(at: at(0), liveness: liveness) == .busy)
    }

    @Test func anyMessageKeepsAWorkerAlive() {
        var registry = WorkerRegistry(liveness: liveness)
        _ = registry.register(registration("a"), now: at(0))
        let heard = registry.heard(from: "a", now: at(2_500))
        #expect(heard)
        #expect(registry.expire(now: at(5_000)).isEmpty)
        #expect(registry.expire(now: at(5_500)).map(\.id) == ["a"])
        #expect(registry["a"] == nil)
        let heardAfterExpiry = registry.heard(from: "a", now: at(5_600))
        #expect(!heardAfterExpiry, "an expired worker is unknown")
        #expect(registry.knownModels == [testModel.name], "its models stay known: no_live_worker, not no_model")
    }

    @Test func sameInstanceReconnectingReplacesTheEntry() {
        var registry = WorkerRegistry(liveness: liveness)
        _ = registry.register(registration("a", instance: 7), now: at(0))
        registry.noteDispatched(to: "a", now: at(0))
        guard case .replaced(let old) = registry.register(registration("a", instance: 7), now: at(100)) else {
            Issue.record("expected a replacement")
            return
        }
        #expect(old.inFlight == 1)
        #expect(registry["a"]?.inFlight == 0)
    }

    @Test func prefixCacheTotalsOutliveAReconnectButNotARestart() {
        var registry = WorkerRegistry(liveness: liveness)
        _ = registry.register(registration("a", instance: 7), now: at(0))
        var heartbeat = load(running: 2)
        heartbeat.prefixCache = PrefixCacheCounters(queriedTokens: 900, hitTokens: 600, cachedBlocks: 40, evictions: 3)
        registry.record(heartbeat, from: "a")
        _ = registry.register(registration("a", instance: 7), now: at(100))
        #expect(registry["a"]?.load.prefixCache == heartbeat.prefixCache, "the same process counts on")
        #expect(registry["a"]?.load.running == 0, "the rest of the load waits for its next heartbeat")
        // Stale by then (silent 2 intervals since the reconnect): another process may take the id.
        _ = registry.register(registration("a", instance: 8), now: at(2_100))
        #expect(registry["a"]?.registration.instance == 8)
        #expect(registry["a"]?.load.prefixCache == PrefixCacheCounters(), "a new process starts from zero")
    }

    @Test func visionTotalsOutliveAReconnectButNotItsQueueOrARestart() {
        var registry = WorkerRegistry(liveness: liveness)
        _ = registry.register(registration("a", instance: 7), now: at(0))
        var heartbeat = load(running: 2)
        heartbeat.vision = VisionCounters(imagesEncoded: 31, encodeSeconds: 12.5, queueDepth: 3)
        registry.record(heartbeat, from: "a")
        _ = registry.register(registration("a", instance: 7), now: at(100))
        #expect(registry["a"]?.load.vision == VisionCounters(imagesEncoded: 31, encodeSeconds: 12.5, queueDepth: 0),
                "the same process counts on; the requests whose images waited were dropped")
        _ = registry.register(registration("a", instance: 8), now: at(2_100))
        #expect(registry["a"]?.load.vision == VisionCounters(), "a new process starts from zero")
    }

    @Test func anotherInstanceOfALiveIdIsRefused() {
        var registry = WorkerRegistry(liveness: liveness)
        _ = registry.register(registration("a", instance: 7), now: at(0))
        let existing = registry["a"]
        #expect(registry.register(registration("a", instance: 8), now: at(1_500)) == existing.map { .refused(existing: $0) })
        #expect(registry["a"]?.registration.instance == 7)
        #expect(registry.refusedDuplicates == 1)
    }

    @Test func anotherInstanceReplacesAStaleEntry() {
        var registry = WorkerRegistry(liveness: liveness)
        _ = registry.register(registration("a", instance: 7), now: at(0))
        guard case .replaced = registry.register(registration("a", instance: 8), now: at(2_000)) else {
            Issue.record("a stale entry should be replaced")
            return
        }
        #expect(registry["a"]?.registration.instance == 8)
    }

    @Test func candidatesHaveRoomAndServeTheModel() {
        var registry = WorkerRegistry(liveness: liveness, oversubscription: 2)
        _ = registry.register(registration("a", maxRunning: 1), now: at(0))
        _ = registry.register(registration("b", models: ["other"]), now: at(0))
        #expect(registry.candidates(for: testModel.name, now: at(0)).map(\.id) == ["a"])
        registry.noteDispatched(to: "a", now: at(0))
        registry.noteDispatched(to: "a", now: at(0))
        #expect(registry.candidates(for: testModel.name, now: at(0)).isEmpty, "1 sequence × oversubscription 2")
        registry.noteEnded(on: "a")
        #expect(registry.candidates(for: testModel.name, now: at(0)).map(\.id) == ["a"])
        #expect(registry.candidates(for: testModel.name, now: at(2_000)).isEmpty, "stale workers get nothing new")
        #expect(registry.candidates(for: testModel.name, now: at(0), excluding: ["a"]).isEmpty)
    }

    @Test func optimisticIncrementStartsOverAtEachHeartbeat() {
        var registry = WorkerRegistry(liveness: liveness)
        _ = registry.register(registration("a"), now: at(0))
        registry.noteDispatched(to: "a", now: at(0))
        registry.noteDispatched(to: "a", now: at(0))
        #expect(registry["a"]?.outstanding == 2)
        registry.record(load(waiting: 0, running: 1, tokensPerSecond: 40), from: "a")
        #expect(registry["a"]?.outstanding == 1)
        #expect(registry["a"]?.inFlight == 2, "in flight counts until the requests end")
        registry.record(load(running: 0, tokensPerSecond: 0), from: "a")
        #expect(registry["a"]?.measuredTokensPerSecond == 40, "an idle window keeps the last measured speed")
    }

    @Test func heartbeatsAreOwedAfterAnIntervalOfSilence() {
        var registry = WorkerRegistry(liveness: liveness)
        _ = registry.register(registration("a"), now: at(0))
        _ = registry.register(registration("b"), now: at(0))
        registry.recordSent(to: "b", now: at(500))
        #expect(registry.heartbeatsDue(now: at(999)).isEmpty)
        #expect(registry.heartbeatsDue(now: at(1_000)) == ["a"])
        #expect(registry.heartbeatsDue(now: at(1_500)) == ["a", "b"])
    }
}
