import ControllerKit
import LoomProtocol
import Testing

/// Workers that take requests and never answer: dropped after the stall timeout, their requests
/// handled as lost; workers that are busy without streaming (a long prefill) are not.
@Suite("Relay: stalled workers")
struct RelayStallTests {
    /// Heartbeats every 100 ms (the test liveness), a stall timeout of 1 s.
    static func harness() -> RelayHarness {
        RelayHarness { $0.stallTimeout = .seconds(1) }
    }

    /// Each worker heartbeats the load `loads` gives it at each 100 ms step, for `steps` steps;
    /// what the relay sent meanwhile, but its own heartbeats.
    static func heartbeat(
        _ harness: inout RelayHarness, steps: Int, _ loads: [String: (Int) -> WorkerLoad]
    ) -> [RelayHarness.Sent] {
        var sent: [RelayHarness.Sent] = []
        for step in 0..<steps {
            for (worker, load) in loads.sorted(by: { $0.key < $1.key }) { harness.worker(worker, .heartbeat(load(step))) }
            harness.advance(milliseconds: 100)
            sent += harness.take().filter { if case .toWorker(_, .heartbeat) = $0 { false } else { true } }
        }
        return sent
    }

    static func kvLoad(blocks: Int, running: Int = 1) -> WorkerLoad {
        WorkerLoad(waiting: 0, running: running, kvBlocksUsed: blocks, kvBlocksTotal: 64, tokensPerSecond: 0, recentImages: [])
    }

    @Test func aWorkerThatNeverAnswersIsDroppedAndItsRequestGoesElsewhere() throws {
        var harness = Self.harness()
        harness.ready("a")
        harness.ready("b")
        harness.request("x")
        let first = try #require(harness.take().dispatched.first)
        let other = first.worker == "a" ? "b" : "a"
        // Both heartbeat on time with a load that never moves: heartbeats are not progress.
        let quiet = Self.heartbeat(&harness, steps: 9, ["a": { _ in load() }, "b": { _ in load() }])
        #expect(quiet.isEmpty, "nothing happens before the stall timeout")
        let sent = Self.heartbeat(&harness, steps: 2, ["a": { _ in load() }, "b": { _ in load() }])
        #expect(sent.toWorkers.contains { $0.worker == first.worker && $0.message == .cancel(requestId: first.id) })
        let disconnect = sent.toWorkers.first { if case .disconnect = $0.message { true } else { false } }
        guard case .disconnect(let why)? = disconnect?.message else {
            Issue.record("expected a DISCONNECT for \(first.worker), got \(sent)")
            return
        }
        #expect(disconnect?.worker == first.worker && why.reason == .protocolError)
        #expect(why.message == "worker '\(first.worker)' made no progress for 1 s on its 1 requests and was dropped")
        #expect(sent.dispatched.map(\.worker) == [other] && sent.dispatched.first?.id == first.id, "retried once, elsewhere")
        #expect(harness.relay.registry[first.worker] == nil && harness.relay.registry[other] != nil)
        harness.worker(other, partial(first.id, 1))
        harness.worker(other, final(first.id, tokens: 1))
        #expect(harness.take().toClients.map(\.finishReason) == [nil, .stop])
    }

    @Test func aWorkerThatStallsAfterTokensEndsTheRequestWithAClearError() throws {
        var harness = Self.harness()
        harness.ready("a")
        harness.ready("b")
        harness.request("x")
        let dispatch = try #require(harness.take().dispatched.first)
        harness.worker(dispatch.worker, partial(dispatch.id, 2))
        _ = harness.take()
        let sent = Self.heartbeat(&harness, steps: 11, ["a": { _ in load() }, "b": { _ in load() }])
        #expect(sent.dispatched.isEmpty, "text already streamed: no retry")
        let errors = sent.toClients.compactMap { if case .error(let error) = $0 { error } else { nil } }
        #expect(errors.map(\.code) == [.workerLost])
        #expect(errors.first?.message
            == "worker '\(dispatch.worker)' made no progress for 1 s after 2 tokens; the text already streamed is all there is")
        #expect(harness.outcomes == ["worker_lost": 1])
    }

    /// A long prompt's prefill streams nothing for many steps, but each step's chunk takes KV
    /// blocks, which the heartbeat shows: the worker is working. When its load stops moving, the
    /// stall clock runs.
    @Test func aLongPrefillIsNotAStallButAFrozenOneIs() throws {
        var harness = Self.harness()
        harness.ready("a")
        harness.request("long")
        let dispatch = try #require(harness.take().dispatched.first)
        let prefill = Self.heartbeat(&harness, steps: 40, ["a": { Self.kvLoad(blocks: 4 + $0 / 3) }])
        #expect(prefill.isEmpty && harness.relay.registry["a"] != nil, "4 s without a token, its KV growing")
        let frozen = Self.heartbeat(&harness, steps: 11, ["a": { _ in Self.kvLoad(blocks: 17) }])
        #expect(frozen.toWorkers.contains { $0.message == .cancel(requestId: dispatch.id) })
        #expect(harness.relay.registry["a"] == nil)
    }

    /// Images encoded slice by slice before their prompt's prefill: no token, no KV block yet, only
    /// the encoder's counters move.
    @Test func aQueueOfImagesBeingEncodedIsNotAStall() throws {
        var harness = Self.harness()
        harness.ready("a")
        harness.request("pictures")
        let dispatch = try #require(harness.take().dispatched.first)
        func encoding(_ step: Int) -> WorkerLoad {
            var load = Self.kvLoad(blocks: 0, running: 0)
            load.waiting = 1
            load.vision = VisionCounters(imagesEncoded: step / 10, encodeSeconds: Double(step) / 10, queueDepth: 16 - step / 10)
            return load
        }
        let encoded = Self.heartbeat(&harness, steps: 40, ["a": encoding])
        #expect(encoded.isEmpty && harness.relay.registry["a"] != nil, "4 s without a token, its encoder working")
        let frozen = Self.heartbeat(&harness, steps: 12, ["a": { _ in encoding(40) }])
        #expect(frozen.toWorkers.contains { $0.message == .cancel(requestId: dispatch.id) })
    }

    @Test func oneStreamingRequestIsProgressForTheWorkerAndAnIdleWorkerNeverStalls() throws {
        var harness = RelayHarness {
            $0.stallTimeout = .seconds(1)
            $0.policy = .leastLoad
        }
        harness.ready("a")
        harness.ready("idle")
        harness.request("streams", tokens: 100)
        harness.request("waits", tokens: 100)
        let sent = harness.take().dispatched
        #expect(Set(sent.map(\.worker)) == ["a", "idle"], "least load spreads them")
        let streaming = try #require(sent.first { $0.worker == "a" })
        let waiting = try #require(sent.first { $0.worker == "idle" })
        // The idle worker's request ends at once; then it holds nothing for 3 s.
        harness.worker("idle", final(waiting.id, tokens: 1))
        _ = harness.take()
        for step in 1...30 {
            harness.worker("a", partial(streaming.id, step))
            harness.worker("a", .heartbeat(load(running: 1)))
            harness.worker("idle", .heartbeat(load()))
            harness.advance(milliseconds: 100)
        }
        #expect(harness.relay.registry["a"] != nil && harness.relay.registry["idle"] != nil)
        // A worker that idled starts its stall clock when it gets a request, not before.
        harness.request("late")
        let late = try #require(harness.take().dispatched.first)
        #expect(late.worker == "idle")
        _ = Self.heartbeat(&harness, steps: 5, ["idle": { _ in load() }])
        #expect(harness.relay.registry["idle"] != nil)
    }

    @Test func noStallTimeoutNeverDrops() throws {
        var harness = RelayHarness { $0.stallTimeout = nil }
        harness.ready("a")
        harness.request("x")
        _ = harness.take()
        _ = Self.heartbeat(&harness, steps: 50, ["a": { _ in load() }])
        #expect(harness.relay.registry["a"] != nil && harness.relay.requestCount == 1)
    }

    /// A client cancels (its HTTP connection closed, or a CANCEL); the worker is lost before it
    /// confirms: the request ends cancelled there and is not sent to another worker.
    @Test func aCancelledRequestWhoseWorkerIsLostIsNotSentAgain() throws {
        var harness = Self.harness()
        harness.ready("a")
        harness.ready("b")
        harness.request("x")
        let dispatch = try #require(harness.take().dispatched.first)
        harness.client("c1", .cancel(requestId: "x"))
        #expect(harness.take().toWorkers.map(\.message) == [.cancel(requestId: dispatch.id)])
        harness.relay.workerUnreachable(dispatch.worker, now: harness.now)
        let sent = harness.take()
        #expect(sent.dispatched.isEmpty, "its client no longer wants it")
        #expect(sent.toClients.map(\.finishReason) == [.cancelled])
        #expect(harness.relay.requestCount == 0 && harness.outcomes == ["cancelled": 1])
    }
}
