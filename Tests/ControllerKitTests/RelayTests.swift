import ControllerKit
import LoomProtocol
import Testing

/// The relay as a state machine, step by step, on a clock of its own.
@Suite("Relay")
struct RelayTests {
    @Test func relaysRepliesUnderEachSidesOwnRequestId() throws {
        var harness = RelayHarness()
        harness.ready("a")
        harness.request("x")
        let sent = harness.take()
        let dispatch = try #require(sent.dispatched.first)
        #expect(dispatch.worker == "a" && dispatch.id != "x", "worker-side ids are the controller's")
        guard case .toWorker(_, .request(let forwarded))? = sent.first else {
            Issue.record("expected the REQUEST first, got \(sent)")
            return
        }
        #expect(forwarded.deadlineUnixMs == harness.relay.clock.unixMs(at: harness.now + .seconds(10)), "the controller's timeout")
        harness.worker("a", partial(dispatch.id, 1, "Hel"))
        harness.worker("a", partial(dispatch.id, 2, "lo"))
        harness.worker("a", final(dispatch.id, tokens: 2))
        let replies = harness.take().toClients
        #expect(replies.count == 3)
        #expect(replies.allSatisfy { $0.requestId == "x" })
        #expect(replies.last?.finishReason == .stop)
        #expect(harness.relay.requestCount == 0)
        #expect(harness.total("loom_generation_tokens_total") == 2)
        #expect(harness.total("loom_prompt_tokens_total") == 4)
        #expect(harness.outcomes == ["stop": 1])
    }

    @Test func twoClientsMayUseTheSameIdButOneClientMayNotReuseItInFlight() {
        var harness = RelayHarness()
        harness.ready("a")
        harness.request("same", from: "c1")
        harness.request("same", from: "c2")
        harness.request("same", from: "c1")
        let sent = harness.take()
        #expect(Set(sent.dispatched.map(\.id)).count == 2)
        #expect(sent.toClients.map(\.errorCode) == [.badRequest])
        guard case .toClient(let client, _)? = sent.last else {
            Issue.record("expected the refusal last, got \(sent)")
            return
        }
        #expect(client == "c1")
    }

    @Test func aRequestLostBeforeItsFirstTokenIsSentToAnotherWorker() throws {
        var harness = RelayHarness()
        harness.ready("a")
        harness.ready("b")
        harness.request("x")
        let first = try #require(harness.take().dispatched.first)
        // A send to it failed: it is gone (a DISCONNECT would let it drain instead).
        harness.relay.workerUnreachable(first.worker, now: harness.now)
        let retry = try #require(harness.take().dispatched.first)
        #expect(retry.id == first.id && retry.worker != first.worker)
        harness.worker(retry.worker, partial(retry.id, 1))
        harness.worker(retry.worker, final(retry.id, tokens: 1))
        #expect(harness.take().toClients.last?.finishReason == .stop)
    }

    @Test func aRequestLostAfterTokensEndsWithWorkerLost() throws {
        var harness = RelayHarness()
        harness.ready("a")
        harness.ready("b")
        harness.request("x")
        let dispatch = try #require(harness.take().dispatched.first)
        harness.worker(dispatch.worker, partial(dispatch.id, 1))
        _ = harness.take()
        // Only the other worker keeps talking; the first expires after 3 silent intervals.
        for _ in 0..<4 {
            harness.worker(dispatch.worker == "a" ? "b" : "a", .heartbeat(load()))
            harness.advance(milliseconds: 100)
        }
        let sent = harness.take()
        #expect(sent.toClients.map(\.errorCode) == [.workerLost])
        #expect(sent.dispatched.isEmpty, "nothing is sent again once tokens have streamed")
        #expect(harness.relay.registry[dispatch.worker] == nil)
    }

    @Test func aRequestLostTwiceBeforeItsFirstTokenEndsWithWorkerLost() throws {
        var harness = RelayHarness()
        harness.ready("a")
        harness.ready("b")
        harness.request("x")
        for _ in 0..<2 {
            let dispatch = try #require(harness.take().dispatched.first)
            harness.relay.workerUnreachable(dispatch.worker, now: harness.now)
        }
        #expect(harness.take().toClients.map(\.errorCode) == [.workerLost])
    }

    @Test func aRequestPastItsDeadlineTimesOutAndIsCancelledAtItsWorker() throws {
        var harness = RelayHarness { $0.requestTimeout = .seconds(1) }
        harness.ready("a")
        harness.request("x")
        let dispatch = try #require(harness.take().dispatched.first)
        for _ in 0..<9 {
            harness.worker("a", .heartbeat(load(running: 1)))
            harness.advance(milliseconds: 100)
        }
        #expect(harness.take().toClients.isEmpty)
        harness.advance(milliseconds: 100)
        let sent = harness.take()
        #expect(sent.toClients.map(\.errorCode) == [.timeout])
        #expect(sent.toWorkers.contains { $0.worker == "a" && $0.message == .cancel(requestId: dispatch.id) })
        // The worker's late FINAL goes nowhere.
        harness.worker("a", final(dispatch.id, tokens: 0, reason: .cancelled))
        #expect(harness.take().isEmpty)
        #expect(harness.outcomes == ["timeout": 1])
    }

    @Test func aFullQueueAnswersOverloadedAtOnceAndDrainsAsRequestsEnd() throws {
        var harness = RelayHarness {
            $0.maxQueue = 1
            $0.oversubscription = 1
        }
        harness.ready("a", maxRunning: 1)
        harness.request("1")
        harness.request("2")
        harness.request("3")
        let sent = harness.take()
        #expect(sent.dispatched.count == 1)
        #expect(sent.toClients.map(\.requestId) == ["3"])
        #expect(sent.toClients.map(\.errorCode) == [.overloaded])
        #expect(harness.relay.queueLength == 1)
        harness.worker("a", final(try #require(sent.dispatched.first).id, tokens: 0))
        #expect(harness.take().dispatched.count == 1, "the queued request goes out as soon as there is room")
    }

    @Test func missingModelsWaitOutTheRegistrationGraceThenFail() {
        var harness = RelayHarness()
        harness.request("early")
        #expect(harness.take().isEmpty, "just after start, workers may still be registering")
        harness.ready("a")
        #expect(harness.take().dispatched.count == 1, "a worker registering serves the held request")
        harness.passGrace()
        harness.request("unknown", model: "nobody-serves-this")
        #expect(harness.take().toClients.map(\.errorCode) == [.noModel])
    }

    @Test func aKnownModelWithoutLiveWorkersIsNoLiveWorker() {
        var harness = RelayHarness()
        harness.ready("a")
        harness.passGrace()
        #expect(harness.relay.registry["a"] == nil, "a expired")
        harness.request("x")
        #expect(harness.take().toClients.map(\.errorCode) == [.noLiveWorker])
    }

    @Test func cancelEndsAQueuedRequestHereAndADispatchedOneAtItsWorker() throws {
        var harness = RelayHarness { $0.oversubscription = 1 }
        harness.ready("a", maxRunning: 1)
        harness.request("running")
        harness.request("queued")
        let dispatch = try #require(harness.take().dispatched.first)
        harness.client("c1", .cancel(requestId: "queued"))
        #expect(harness.take().toClients.map(\.finishReason) == [.cancelled])
        harness.client("c1", .cancel(requestId: "running"))
        #expect(harness.take().toWorkers.map(\.message) == [.cancel(requestId: dispatch.id)])
        harness.worker("a", final(dispatch.id, tokens: 1, reason: .cancelled))
        #expect(harness.take().toClients.map(\.finishReason) == [.cancelled])
        #expect(harness.relay.requestCount == 0)
    }

    @Test func aClientThatIsGoneHasItsRequestsCancelled() throws {
        var harness = RelayHarness()
        harness.ready("a")
        harness.request("x")
        let dispatch = try #require(harness.take().dispatched.first)
        harness.relay.clientGone(ClientAddress(routingId: Array("c1".utf8)), now: harness.now)
        #expect(harness.take().toWorkers.map(\.message) == [.cancel(requestId: dispatch.id)])
        #expect(harness.relay.requestCount == 0)
    }

    @Test func unknownWorkersAreToldToRegister() {
        var harness = RelayHarness()
        harness.worker("stranger", .heartbeat(load()))
        #expect(harness.take() == [.toWorker("stranger", .disconnect(Disconnect(
            reason: .notRegistered, message: "this controller does not know worker 'stranger': send READY")))])
        harness.worker("stranger", .disconnect(Disconnect(reason: .shutdown)))
        #expect(harness.take().isEmpty, "a DISCONNECT is not answered")
    }

    @Test func aSecondProcessClaimingALiveIdIsRefused() {
        var harness = RelayHarness()
        harness.ready("a", instance: 1)
        harness.ready("a", instance: 2)
        let sent = harness.take().toWorkers
        #expect(sent.count == 1)
        guard case .disconnect(let disconnect)? = sent.first?.message else {
            Issue.record("expected a DISCONNECT, got \(sent)")
            return
        }
        #expect(disconnect.reason == .duplicateWorkerId)
        #expect(harness.relay.registry["a"]?.registration.instance == 1)
    }

    @Test func aReadyThatDoesNotMatchItsRoutingIdIsAProtocolError() {
        var harness = RelayHarness()
        harness.worker("a", .ready(registration("b")))
        guard case .toWorker("a", .disconnect(let disconnect))? = harness.take().first else {
            Issue.record("expected a DISCONNECT")
            return
        }
        #expect(disconnect.reason == .protocolError)
        #expect(harness.relay.registry["b"] == nil)
    }

    @Test func statusReportsWorkersAndCounters() throws {
        var harness = RelayHarness()
        harness.ready("a")
        harness.request("x")
        let dispatch = try #require(harness.take().dispatched.first)
        harness.worker("a", final(dispatch.id, tokens: 4))
        harness.client("c9", .status)
        guard case .statusReply(let status)? = harness.take().toClients.last else {
            Issue.record("expected a STATUS_REPLY")
            return
        }
        #expect(status.workers.map(\.id) == ["a"])
        #expect(status.counters.completed == 1 && status.counters.tokensGenerated == 4 && status.counters.inFlight == 0)
    }

    @Test func undecodableClientMessagesAreBadRequests() {
        var harness = RelayHarness()
        harness.relay.receive(fromClient: ClientAddress(routingId: [1]), [Array("LOOMC1".utf8), [0x02], [0xFF]], now: harness.now)
        #expect(harness.take().toClients.map(\.errorCode) == [.badRequest])
    }

    @Test func shutdownDisconnectsWorkersAndCancelsRequests() {
        var harness = RelayHarness()
        harness.ready("a")
        harness.request("x")
        _ = harness.take()
        harness.relay.shutdown(now: harness.now)
        let sent = harness.take()
        #expect(sent.toClients.map(\.errorCode) == [.cancelled])
        #expect(sent.toWorkers.contains { $0.message == .disconnect(Disconnect(reason: .shutdown, message: "the controller is shutting down")) })
    }
}
