import ControllerKit
import LoomProtocol
import Testing

/// The controller end to end over real sockets on loopback: synthetic workers and a LOOMC1 client.
@Suite("Relay over ZeroMQ")
struct ZeroMQRelayTests {
    @Test func streamsAnAnswerAndReportsStatus() async throws {
        let cluster = try Cluster()
        let worker = try await cluster.worker("w1")
        defer { cluster.stop([worker]) }
        cluster.client.request("mine", tokens: 5)
        let (text, end) = await cluster.client.outcome(of: "mine")
        #expect(text == "t0 t1 t2 t3 t4 ")
        #expect(end?.finishReason == .length)
        cluster.client.send(.status)
        guard case .statusReply(let status)? = await cluster.client.inbox.next(where: { $0.requestId == nil }) else {
            Issue.record("no STATUS_REPLY")
            return
        }
        #expect(status.counters.completed == 1 && status.counters.tokensGenerated == 5)
        #expect(status.workers.map(\.id) == ["w1"] && status.workers.first?.host == "127.0.0.1")
        let received = worker.requestsReceived()
        #expect(received.count == 1 && received.first?.id != "mine", "the worker sees the controller's id")
    }

    @Test func fortyConcurrentStreamsSpreadOverTwoWorkers() async throws {
        let cluster = try Cluster()
        let workers = [try await cluster.worker("a") { $0.tokenInterval = .milliseconds(2) },
                       try await cluster.worker("b") { $0.tokenInterval = .milliseconds(2) }]
        defer { cluster.stop(workers) }
        let ids = (0..<40).map { "req-\($0)" }
        for id in ids { cluster.client.request(id, tokens: 20) }
        for id in ids {
            let (text, end) = await cluster.client.outcome(of: id)
            #expect(end?.finishReason == .length, "\(id) completes")
            #expect(text == (0..<20).map { "t\($0) " }.joined())
        }
        let served = workers.map { $0.requestsReceived().count }
        #expect(served.reduce(0, +) == 40)
        #expect(served.allSatisfy { $0 > 0 }, "both workers got some: \(served)")
    }

    enum Death: CaseIterable { case socketClosed, silent }

    /// A worker dies with one request streaming and one waiting in its queue: the first ends with
    /// worker_lost, the second is sent to the other worker and completes; the dead worker leaves
    /// the registry within liveness.
    @Test(arguments: Death.allCases)
    func aDeadWorkersRequestsEndOrMove(_ death: Death) async throws {
        let cluster = try Cluster()
        let doomed = try await cluster.worker("doomed") {
            $0.maxRunning = 1
            $0.tokenInterval = .milliseconds(20)
        }
        cluster.client.request("streaming", tokens: 1000)
        cluster.client.request("waiting", tokens: 3)
        let firstToken = await cluster.client.inbox.next(where: { $0.requestId == "streaming" })
        guard case .partial? = firstToken else {
            Issue.record("the first request did not start streaming")
            return
        }
        let survivor = try await cluster.worker("survivor")
        defer { cluster.stop([doomed, survivor]) }
        switch death {
        case .socketClosed: doomed.kill()
        case .silent: doomed.set { $0.silent = true }
        }
        let lost = await cluster.client.outcome(of: "streaming")
        #expect(lost.end?.errorCode == .workerLost)
        let moved = await cluster.client.outcome(of: "waiting")
        #expect(moved.end?.finishReason == .length && moved.text == "t0 t1 t2 ")
        #expect(await eventually(within: .milliseconds(1000)) { !cluster.isListed("doomed") })
        #expect(survivor.requestsReceived().count == 1)
    }

    @Test func workersRegisterAgainWithARestartedController() async throws {
        var configuration = testConfiguration()
        let first = try SocketRelay.start(configuration, logger: quietLogger)
        configuration.workerEndpoint = first.workerEndpoint
        let worker = try SyntheticWorker(SyntheticWorker.Settings(id: "w"), endpoint: first.workerEndpoint)
        defer { worker.kill() }
        #expect(await eventually { first.snapshot.liveWorkers.count == 1 })
        first.shutdown()
        #expect(await worker.events.next(where: { $0 == .disconnect(Disconnect(reason: .shutdown, message: "the controller is shutting down")) }) != nil)
        // The old sockets close in the background: the port comes free within moments.
        var restarted: SocketRelay?
        _ = await eventually { restarted = try? SocketRelay.start(configuration, logger: quietLogger); return restarted != nil }
        let second = try #require(restarted)
        defer { second.shutdown() }
        let toldToRegister = await worker.events.next(where: {
            if case .disconnect(let disconnect) = $0 { disconnect.reason == .notRegistered } else { false }
        })
        #expect(toldToRegister != nil)
        #expect(await eventually { second.snapshot.liveWorkers.map(\.id) == ["w"] })
        let client = try TestClient(endpoint: second.clientEndpoint)
        defer { client.close() }
        client.request("after-restart", tokens: 2)
        #expect(await client.outcome(of: "after-restart").end?.finishReason == .length)
    }

    @Test func aClientCancelReachesTheWorker() async throws {
        let cluster = try Cluster()
        let worker = try await cluster.worker("w") { $0.tokenInterval = .milliseconds(20) }
        defer { cluster.stop([worker]) }
        cluster.client.request("long", tokens: 1000)
        #expect(await cluster.client.inbox.next(where: { $0.requestId == "long" }) != nil)
        cluster.client.send(.cancel(requestId: "long"))
        let cancel = await worker.events.next(where: { if case .cancel = $0 { true } else { false } })
        #expect(cancel != nil)
        #expect(await cluster.client.outcome(of: "long").end?.finishReason == .cancelled)
    }

    @Test func aWorkerThatNeverAnswersEndsInTimeout() async throws {
        let cluster = try Cluster { $0.requestTimeout = .milliseconds(500) }
        let worker = try await cluster.worker("mute")
        defer { cluster.stop([worker]) }
        worker.set { $0.answers = false }
        cluster.client.request("unanswered")
        let end = await cluster.client.outcome(of: "unanswered").end
        #expect(end?.errorCode == .timeout)
        #expect(await worker.events.next(where: { if case .cancel = $0 { true } else { false } }) != nil)
    }

    @Test func aClientDeadlineEarlierThanTheTimeoutIsKept() async throws {
        let cluster = try Cluster()
        let worker = try await cluster.worker("mute")
        defer { cluster.stop([worker]) }
        worker.set { $0.answers = false }
        let deadline = WallClock().unixMs(at: .now + .milliseconds(300))
        cluster.client.request("soon", deadlineUnixMs: deadline)
        #expect(await cluster.client.outcome(of: "soon").end?.errorCode == .timeout)
        #expect(worker.requestsReceived().first?.deadlineUnixMs == deadline)
    }

    @Test func aFullQueueIsOverloadedBeforeEarlierRequestsFinish() async throws {
        let cluster = try Cluster {
            $0.maxQueue = 1
            $0.oversubscription = 1
        }
        let worker = try await cluster.worker("w") {
            $0.maxRunning = 1
            $0.tokenInterval = .milliseconds(20)
        }
        defer { cluster.stop([worker]) }
        for id in ["1", "2", "3"] { cluster.client.request(id, tokens: 10) }
        let first = await cluster.client.inbox.next(where: { $0.errorCode != nil || $0.finishReason != nil })
        #expect(first?.requestId == "3" && first?.errorCode == .overloaded, "the overflow is answered before anything ends")
        #expect(await cluster.client.outcome(of: "1").end?.finishReason == .length)
        #expect(await cluster.client.outcome(of: "2").end?.finishReason == .length)
    }
}
