import ControllerKit
import LoomProtocol
import Testing

/// A process that registers on the workers' port, heartbeats on time and takes requests but never
/// answers, over real sockets: the controller drops it after the stall timeout and the request is
/// served by another worker, long before the request timeout.
@Suite("Stalled workers over ZeroMQ")
struct StalledWorkerTests {
    @Test func aWorkerThatTakesRequestsAndNeverAnswersIsDroppedAndTheRequestServedElsewhere() async throws {
        let stall: Duration = .milliseconds(600)
        let cluster = try Cluster { $0.stallTimeout = stall }
        let rogue = try await cluster.worker("rogue")
        rogue.set { $0.answers = false }
        cluster.client.request("asked", tokens: 3)
        let sentAt = ContinuousClock.now
        #expect(await rogue.events.next(where: { if case .request = $0 { true } else { false } }) != nil)
        let honest = try await cluster.worker("honest")
        defer { cluster.stop([rogue, honest]) }

        let (text, end) = await cluster.client.outcome(of: "asked")
        let took = ContinuousClock.now - sentAt
        #expect(end?.finishReason == .length && text == "t0 t1 t2 ")
        #expect(took >= stall && took < stall + .seconds(2), "answered \(took) after it was sent")
        let disconnect = await rogue.events.next(where: { if case .disconnect = $0 { true } else { false } })
        guard case .disconnect(let why)? = disconnect else {
            Issue.record("the rogue worker was not told DISCONNECT")
            return
        }
        #expect(why.reason == .protocolError && why.message.contains("made no progress for 0.6 s"))
        // (Its next heartbeat is answered not_registered, and it may register again: it is only
        // dropped, not banned. The request it held is cancelled there.)
        #expect(await rogue.events.next(where: { if case .cancel = $0 { true } else { false } }) != nil)
    }
}
