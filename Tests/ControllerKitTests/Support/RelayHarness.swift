import ControllerKit
import LoomProtocol
import MetricsTestKit

/// A relay driven by hand with a clock of its own: events in, decoded messages out, metrics
/// recorded where the test can read them.
struct RelayHarness {
    var relay: Relay
    var now: ContinuousClock.Instant
    let metrics = TestMetrics()

    init(_ adjust: (inout ControllerConfiguration) -> Void = { _ in }) {
        let start = ContinuousClock.now
        relay = Relay(
            configuration: testConfiguration(adjust), clock: WallClock(origin: start, originUnixMs: 1_700_000_000_000),
            metrics: metrics, logger: quietLogger)
        now = start
    }

    mutating func advance(milliseconds: Int) {
        now = now + .milliseconds(milliseconds)
        relay.tick(now: now)
    }

    /// Moves past the registration grace, so missing models are refused at once.
    mutating func passGrace() {
        advance(milliseconds: Int(relay.configuration.registrationGrace.components.seconds * 1000) + 1000)
        _ = take()
    }

    mutating func worker(_ id: String, _ message: WorkerMessage) {
        relay.receive(fromWorker: Array(id.utf8), message.encode(), now: now)
    }

    mutating func ready(_ id: String, instance: UInt64 = 1, maxRunning: Int = 4) {
        worker(id, .ready(registration(id, instance: instance, maxRunning: maxRunning)))
    }

    mutating func client(_ id: String, _ message: ClientMessage) {
        relay.receive(fromClient: ClientAddress(routingId: Array(id.utf8)), message.encode(), now: now)
    }

    mutating func request(_ requestId: String, from client: String = "c1", model: String = testModel.name, tokens: Int = 3) {
        self.client(client, .request(GenerationRequest(
            id: requestId, model: model, prompt: .text("hello"), sampling: SamplingParameters(maxTokens: tokens))))
    }

    /// Everything the relay asked to send since the last call, decoded.
    mutating func take() -> [Sent] {
        defer { relay.effects.removeAll() }
        return relay.effects.compactMap { effect in
            switch effect {
            case .toWorker(let worker, let frames):
                (try? WorkerMessage.decode(frames)).map { .toWorker(worker, $0) }
            case .toClient(let client, _, let frames, _):
                (try? ClientMessage.decode(frames)).map { .toClient(String(decoding: client.routingId, as: UTF8.self), $0) }
            }
        }
    }

    /// `loom_requests_total` by outcome.
    var outcomes: [String: Int64] {
        Dictionary(uniqueKeysWithValues: metrics.counters(label: "loom_requests_total").map { counter in
            (counter.dimensions.first { $0.0 == "outcome" }?.1 ?? "no outcome label", counter.totalValue)
        })
    }

    /// The values a counter without labels was incremented by, added up.
    func total(_ counter: String) -> Int64 {
        metrics.counterTotal(label: counter)
    }

    enum Sent: Equatable {
        case toWorker(String, WorkerMessage)
        case toClient(String, ClientMessage)
    }
}

extension [RelayHarness.Sent] {
    /// The REQUESTs sent, as (worker, controller's request id).
    var dispatched: [(worker: String, id: String)] {
        compactMap { if case .toWorker(let worker, .request(let request)) = $0 { (worker, request.id) } else { nil } }
    }

    var toClients: [ClientMessage] {
        compactMap { if case .toClient(_, let message) = $0 { message } else { nil } }
    }

    var toWorkers: [(worker: String, message: WorkerMessage)] {
        compactMap { if case .toWorker(let worker, let message) = $0 { (worker, message) } else { nil } }
    }
}

func partial(_ id: String, _ count: Int, _ text: String = "x") -> WorkerMessage {
    .partial(Partial(requestId: id, completionTokens: count, tokens: [Int32(count)], text: text))
}

func final(_ id: String, tokens: Int, reason: FinishReason = .stop) -> WorkerMessage {
    .final(Final(
        requestId: id, finishReason: reason, usage: Usage(promptTokens: 4, imageTokens: 0, completionTokens: tokens),
        timings: Timings(queueMs: 0, timeToFirstTokenMs: 1, decodeTokensPerSecond: 10, totalMs: 5)))
}
