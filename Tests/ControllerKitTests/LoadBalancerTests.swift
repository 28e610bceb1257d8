import ControllerKit
import LoomProtocol
import Testing

@Suite("Load balancer")
struct LoadBalancerTests {
    @Test func leastLoadPicksTheLowestOutstandingLoad() {
        var balancer = LoadBalancer(policy: .leastLoad)
        #expect(balancer.pick(among: [entry("a", outstanding: 3), entry("b", outstanding: 1), entry("c", outstanding: 2)]) == "b")
        #expect(balancer.pick(among: [entry("a"), entry("b")]) == "a", "ties go to the lowest id")
        #expect(balancer.pick(among: []) == nil)
    }

    @Test func leastLoadNormalisesByCapacityOrMeasuredSpeed() {
        var balancer = LoadBalancer(policy: .leastLoad)
        // By capacity: 4 of 16 is lighter than 2 of 4.
        #expect(balancer.pick(among: [entry("a", outstanding: 2, maxRunning: 4), entry("b", outstanding: 4, maxRunning: 16)]) == "b")
        // By speed, once every candidate has measured one: 3 at 300 tok/s beats 1 at 50 tok/s.
        #expect(balancer.pick(among: [entry("a", outstanding: 1, tokensPerSecond: 50), entry("b", outstanding: 3, tokensPerSecond: 300)]) == "b")
        // One unmeasured candidate: all compare by capacity.
        #expect(balancer.pick(among: [entry("a", outstanding: 1), entry("b", outstanding: 3, tokensPerSecond: 300)]) == "a")
        // An idle fast worker beats an idle slow one.
        #expect(balancer.pick(among: [entry("a", tokensPerSecond: 10), entry("b", tokensPerSecond: 20)]) == "b")
    }

    /// A burst between two heartbeats: without the increment every request would go to the worker
    /// that looked idlest at the last heartbeat.
    @Test func optimisticIncrementSpreadsABurst() {
        var registry = WorkerRegistry(liveness: Liveness(), oversubscription: 100)
        let now = ContinuousClock.now
        _ = registry.register(registration("a"), now: now)
        _ = registry.register(registration("b"), now: now)
        registry.record(load(running: 2), from: "a")
        var balancer = LoadBalancer(policy: .leastLoad)
        var picks: [String: Int] = [:]
        for _ in 0..<10 {
            let worker = balancer.pick(among: registry.candidates(for: testModel.name, now: now)) ?? ""
            registry.noteDispatched(to: worker, now: now)
            picks[worker, default: 0] += 1
        }
        #expect(picks == ["a": 4, "b": 6], "b catches up with a's 2, then they alternate")
    }

    @Test func roundRobinTakesEachInTurnByIdAndSurvivesChanges() {
        var balancer = LoadBalancer(policy: .roundRobin)
        let three = [entry("c"), entry("a"), entry("b")]
        #expect((0..<4).map { _ in balancer.pick(among: three) } == ["a", "b", "c", "a"])
        // "b" left: the turn after "a" goes to the next id that is there.
        #expect(balancer.pick(among: [entry("a"), entry("c")]) == "c")
        #expect(balancer.pick(among: [entry("a"), entry("c")]) == "a")
    }

    @Test func powerOfTwoIsSeededAndNeverPicksTheWorseOfItsPair() {
        let candidates = [entry("a", outstanding: 0), entry("b", outstanding: 5), entry("c", outstanding: 9)]
        var first = LoadBalancer(policy: .powerOfTwo, seed: 42)
        var second = LoadBalancer(policy: .powerOfTwo, seed: 42)
        let picks = (0..<200).map { _ in first.pick(among: candidates) ?? "" }
        #expect(picks == (0..<200).map { _ in second.pick(among: candidates) ?? "" }, "same seed, same draws")
        #expect(!picks.contains("c"), "the most loaded worker loses every pair it is in")
        #expect(picks.contains("a") && picks.contains("b"), "b wins the pairs without a")
        var two = LoadBalancer(policy: .powerOfTwo, seed: 7)
        #expect((0..<20).allSatisfy { _ in two.pick(among: [entry("x", outstanding: 3), entry("y", outstanding: 1)]) == "y" })
    }

    @Test func imbalanceRuleNeedsBothThresholds() {
        let settings = CacheAwareSettings(balanceAbsoluteThreshold: 4, balanceRelativeThreshold: 2)
        #expect(!settings.isImbalanced([1, 5]), "difference 4 is not above 4")
        #expect(settings.isImbalanced([1, 6]))
        #expect(!settings.isImbalanced([10, 16]), "16 is not above 2 × 10")
        #expect(settings.isImbalanced([10, 21]))
        #expect(!settings.isImbalanced([]))
    }

    @Test func cacheAwarePrefersTheWorkerHoldingTheImage() {
        var balancer = LoadBalancer(policy: .cacheAware)
        let candidates = [entry("a", outstanding: 0), entry("b", outstanding: 2, images: [11, 22])]
        #expect(balancer.pick(among: candidates, hints: RoutingHints(imageHashes: [22])) == "b")
        #expect(balancer.pick(among: candidates, hints: RoutingHints(imageHashes: [33])) == "a", "no holder: least load")
    }

    @Test func cacheAwarePrefersTheWorkerThatServedThePrefix() {
        var balancer = LoadBalancer(policy: .cacheAware)
        let prompt = Array("You are a helpful assistant. Describe the picture.".utf8)
        let idle = [entry("a"), entry("b")]
        #expect(balancer.pick(among: [entry("a", outstanding: 5), entry("b")], hints: RoutingHints(promptKey: prompt)) == "b")
        // Same long prefix again: "b" served it, though "a" is now as idle.
        let follow = Array("You are a helpful assistant. Describe the sky.".utf8)
        #expect(balancer.pick(among: idle, hints: RoutingHints(promptKey: follow)) == "b")
        // A prompt sharing too little goes by load.
        #expect(balancer.pick(among: [entry("a"), entry("b", outstanding: 1)], hints: RoutingHints(promptKey: Array("Yo".utf8) + Array(repeating: 0x21, count: 40))) == "a")
    }

    /// Conversations sharing a long system prompt: their first turns spread over the workers (the
    /// holder of the system prompt gives way once it is two requests ahead), and each follow-up goes
    /// where its conversation went.
    @Test func conversationsSpreadAndStayWhereTheirHistoryIs() {
        var balancer = LoadBalancer(policy: .cacheAware)
        let system = Array(String(repeating: "You answer questions about maps. ", count: 300).utf8)  // ~10 KB
        var outstanding = ["a": 0, "b": 0]
        func route(_ key: [UInt8]) -> String {
            let chosen = balancer.pick(among: outstanding.map { entry($0.key, outstanding: $0.value) }, hints: RoutingHints(promptKey: key)) ?? ""
            outstanding[chosen, default: 0] += 1
            return chosen
        }
        let first = (0..<8).map { c in route(system + Array("Conversation \(c): where is the oldest map?".utf8)) }
        #expect(abs(first.count { $0 == "a" } - first.count { $0 == "b" }) <= 2, "first turns: \(first)")
        outstanding = ["a": 0, "b": 0]  // all answered
        for c in 0..<8 {
            let history = system + Array("Conversation \(c): where is the oldest map? In a library. Who drew it?".utf8)
            #expect(route(history) == first[c], "conversation \(c)'s follow-up")
            outstanding[first[c], default: 1] -= 1
        }
    }

    @Test func cacheAwareFallsBackToLeastLoadWhenImbalanced() {
        var balancer = LoadBalancer(
            policy: .cacheAware, cacheAware: CacheAwareSettings(balanceAbsoluteThreshold: 4, balanceRelativeThreshold: 1.5))
        let hints = RoutingHints(imageHashes: [22])
        #expect(balancer.pick(among: [entry("a", outstanding: 1), entry("b", outstanding: 5, images: [22])], hints: hints) == "b")
        #expect(balancer.pick(among: [entry("a", outstanding: 1), entry("b", outstanding: 6, images: [22])], hints: hints) == "a")
    }

    @Test func routingHintsKeyChatPromptsWithRolesAndImageHashes() {
        let image: [UInt8] = [0xFF, 0xD8, 0xFF, 1, 2, 3]
        let request = GenerationRequest(
            id: "", model: "m",
            prompt: .chat([ChatMessage(role: .user, parts: [.text("hi"), .image(0)])]), images: [image])
        let hints = RoutingHints(request, maxKeyBytes: 64)
        let hash = ImageContentHash.of(image)
        #expect(hints.imageHashes == [hash])
        #expect(hints.promptKey == [Role.user.rawValue] + Array("hi".utf8) + withUnsafeBytes(of: hash.littleEndian, Array.init))
        #expect(RoutingHints(request, maxKeyBytes: 2).promptKey.count == 2)
    }
}
