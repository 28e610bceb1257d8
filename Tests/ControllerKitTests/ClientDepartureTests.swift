@testable import ControllerKit
import LoomProtocol
import Testing
import ZeroMQ

/// A ZeroMQ client that leaves (its TCP connection closes) has its requests cancelled at once,
/// queued or running, without waiting for a send to it to fail.
@Suite("ZeroMQ client departure")
struct ClientDepartureTests {
    /// How soon the worker hears CANCEL once the client's socket is closed.
    static let promptly: Duration = .seconds(1)

    static func isCancel(_ event: SyntheticWorker.Event) -> Bool {
        if case .cancel = event { true } else { false }
    }

    /// A request the worker holds without answering (nothing is ever sent to its client) is
    /// cancelled at the worker when the client closes its socket, and counted as cancelled.
    @Test func aHeldRequestIsCancelledWhenItsClientLeaves() async throws {
        let cluster = try Cluster()
        let worker = try await cluster.worker("holder")
        defer { cluster.stop([worker]) }
        worker.set { $0.answers = false }
        let leaving = try TestClient(endpoint: cluster.relay.clientEndpoint)
        leaving.request("held", tokens: 100)
        let received = await worker.events.next(where: { if case .request = $0 { true } else { false } })
        guard case .request(let request)? = received else {
            Issue.record("the worker never received the request")
            leaving.close()
            return
        }
        leaving.close()
        let cancel = await worker.events.next(within: Self.promptly, where: Self.isCancel)
        #expect(cancel == .cancel(request.id), "the worker is told to cancel the request of the client that left")
        #expect(await eventually {
            let counters = cluster.relay.snapshot.status.counters
            return counters.cancelled == 1 && counters.inFlight == 0
        })
    }

    /// A request waiting for a worker is taken out of the queue when its client leaves, and never
    /// reaches a worker; a client that stays, with a request of the same id, is not touched.
    @Test func aQueuedRequestLeavesTheQueueAndAClientThatStaysIsUnaffected() async throws {
        let cluster = try Cluster { $0.oversubscription = 1 }
        let worker = try await cluster.worker("single") {
            $0.maxRunning = 1
            $0.tokenInterval = .milliseconds(20)
        }
        defer { cluster.stop([worker]) }
        cluster.client.request("same", tokens: 100)
        guard case .partial(let first)? = await cluster.client.inbox.next(where: { $0.requestId == "same" }) else {
            Issue.record("the staying client's request did not start")
            return
        }
        let leaving = try TestClient(endpoint: cluster.relay.clientEndpoint)
        leaving.request("same", tokens: 5)
        #expect(await eventually { cluster.relay.snapshot.status.counters.queueLength == 1 })
        leaving.close()
        #expect(await eventually(within: Self.promptly) {
            let counters = cluster.relay.snapshot.status.counters
            return counters.queueLength == 0 && counters.cancelled == 1
        }, "the queued request of the client that left is cancelled and leaves the queue")
        let (text, end) = await cluster.client.outcome(of: "same")
        #expect(end?.finishReason == .length, "the client that stays gets its whole answer")
        #expect(first.text + text == (0..<100).map { "t\($0) " }.joined())
        let events = worker.events.drain()
        #expect(events.filter { if case .request = $0 { true } else { false } }.count == 1, "only the staying client's request ran")
        #expect(!events.contains(where: Self.isCancel))
        #expect(await eventually { cluster.relay.snapshot.status.counters.completed == 1 })
        #expect(cluster.relay.snapshot.status.counters.cancelled == 1)
    }

    /// With CURVE on, the departure is noticed the same way: a queued request (no worker yet,
    /// within the registration grace) leaves the queue when its client does.
    @Test func aCurveClientsDepartureIsNoticed() async throws {
        let controllerKeys = try CurveKeyPair()
        let cluster = try Cluster {
            $0.security = ControllerSecurity(keys: controllerKeys)
            $0.registrationGrace = .seconds(30)
        }
        defer { cluster.stop([]) }
        let leaving = try TestClient(
            endpoint: cluster.relay.clientEndpoint, curve: (serverKey: controllerKeys.publicKey, keys: try CurveKeyPair()))
        leaving.request("waiting", tokens: 5)
        #expect(await eventually { cluster.relay.snapshot.status.counters.queueLength == 1 })
        leaving.close()
        #expect(await eventually(within: Self.promptly) {
            let counters = cluster.relay.snapshot.status.counters
            return counters.queueLength == 0 && counters.cancelled == 1
        })
    }
}

/// `ClientConnections` alone: which client a closed connection names, with descriptors reused.
@Suite("Client connections")
struct ClientConnectionsTests {
    enum Step {
        case accepted(Int32), disconnected(Int32)
        case message(from: UInt8, on: Int32)
    }

    /// Feeds `steps` in order; what each returned: the routing id a close named (or `nil`), and
    /// for a message whether its connection was still open.
    static func run(_ steps: [Step]) -> [String] {
        var connections = ClientConnections()
        return steps.map { step in
            switch step {
            case .accepted(let descriptor):
                return connections.apply(SocketEvent(kind: .accepted, value: UInt32(descriptor), endpoint: "")).map { "gone \($0)" } ?? "-"
            case .disconnected(let descriptor):
                return connections.apply(SocketEvent(kind: .disconnected, value: UInt32(descriptor), endpoint: "")).map { "gone \($0)" } ?? "-"
            case .message(let peer, let descriptor):
                return connections.received(from: [0, peer], on: descriptor) ? "open" : "closed"
            }
        }
    }

    @Test func aClosedConnectionNamesItsPeerOnce() {
        let results = Self.run([.accepted(12), .message(from: 1, on: 12), .message(from: 2, on: 13),
                                .disconnected(12), .disconnected(12)])
        #expect(results == ["-", "open", "open", "gone [0, 1]", "-"])
    }

    /// The old connection closes and a new one gets the same number, both before either's events
    /// are read; the events are read, in order, before the new peer's message is.
    @Test func aReusedDescriptorBelongsToTheNewPeer() {
        let results = Self.run([.message(from: 1, on: 12), .disconnected(12), .accepted(12),
                                .message(from: 2, on: 12), .disconnected(12)])
        #expect(results == ["open", "gone [0, 1]", "-", "open", "gone [0, 2]"])
    }

    /// A message sent just before its connection closed is read after the close: its client is gone.
    @Test func aMessageReadAfterItsConnectionClosedIsFromAGoneClient() {
        let results = Self.run([.accepted(7), .disconnected(7), .message(from: 3, on: 7), .accepted(7),
                                .message(from: 4, on: 7)])
        #expect(results == ["-", "-", "closed", "-", "open"])
    }
}
