import ControllerKit
import LoomProtocol
import Testing

/// A worker that says DISCONNECT shutdown (SIGTERM: it drains) with requests in flight: they finish
/// and reach their clients, nothing new goes to it, and it is forgotten once the last one ends.
@Suite struct DrainTests {
    @Test func aDrainingWorkerFinishesItsRequestsAndGetsNoNewOnes() throws {
        var harness = RelayHarness()
        harness.ready("a")
        harness.request("first")
        let first = try #require(harness.take().dispatched.first)
        #expect(first.worker == "a")
        harness.ready("b")
        harness.worker("a", partial(first.id, 1, "Hel"))
        harness.worker("a", .disconnect(Disconnect(reason: .shutdown, message: "worker draining")))
        #expect(harness.relay.registry["a"]?.isDraining == true)

        harness.request("second")
        harness.request("third")
        #expect(harness.take().dispatched.map(\.worker) == ["b", "b"], "nothing new for a draining worker")

        harness.worker("a", .heartbeat(nil))
        harness.worker("a", partial(first.id, 2, "lo"))
        harness.worker("a", final(first.id, tokens: 2))
        let replies = harness.take().toClients
        #expect(replies.map(\.requestId) == ["first", "first"])
        #expect(replies.last?.finishReason == .stop)
        #expect(harness.relay.registry["a"] == nil, "forgotten once drained")
        #expect(harness.outcomes == ["stop": 1], "no worker_lost")
    }

    @Test func aRequestADrainingWorkerRefusedIsPlacedElsewhere() throws {
        // Least load spreads the two alike requests (cache-aware would keep them together).
        var harness = RelayHarness { $0.policy = .leastLoad }
        harness.ready("a")
        harness.ready("b")
        harness.request("one")
        harness.request("two")
        let sent = harness.take().dispatched
        let onA = try #require(sent.first { $0.worker == "a" })
        harness.worker("a", .disconnect(Disconnect(reason: .shutdown)))
        // Crossed on the wire with the DISCONNECT: the draining worker refuses it.
        harness.worker("a", .error(RequestError(requestId: onA.id, code: .cancelled, message: "this worker is shutting down")))
        let retried = harness.take()
        #expect(retried.dispatched.map(\.worker) == ["b"] && retried.dispatched.first?.id == onA.id)
        #expect(retried.toClients.isEmpty, "the client sees nothing of it")
        #expect(harness.relay.registry["a"] == nil, "nothing left in flight: gone")
    }

    @Test func anIdleWorkerThatLeavesIsForgottenAtOnce() {
        var harness = RelayHarness()
        harness.ready("a")
        harness.worker("a", .disconnect(Disconnect(reason: .shutdown)))
        #expect(harness.relay.registry["a"] == nil)
    }
}
