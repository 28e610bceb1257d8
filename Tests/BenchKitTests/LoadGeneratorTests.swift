@testable import BenchKit
import Synchronization
import Testing

/// Holds requests until `count` are in flight together, then lets every one through (so a closed
/// loop's concurrency is reached whatever the timing); records what was sent.
final class RequestGate: Sendable {
    private let state = Mutex((waiting: [CheckedContinuation<Void, Never>](), released: false, sent: [BenchRequest]()))
    private let count: Int

    init(count: Int) {
        self.count = count
    }

    var sent: [BenchRequest] { state.withLock { $0.sent } }

    func pass(_ request: BenchRequest) async {
        await withCheckedContinuation { continuation in
            let release: [CheckedContinuation<Void, Never>] = state.withLock { state in
                state.sent.append(request)
                if state.released { return [continuation] }
                state.waiting.append(continuation)
                guard state.waiting.count >= count else { return [] }
                state.released = true
                defer { state.waiting = [] }
                return state.waiting
            }
            release.forEach { $0.resume() }
        }
    }
}

/// A client that answers without a network, once its gate lets the request through.
final class GatedClient: GenerationClient {
    private let gate: RequestGate

    init(gate: Int) {
        self.gate = RequestGate(count: gate)
    }

    var prompts: [String] { gate.sent.map(\.prompt) }

    func generate(_ request: BenchRequest, model: String) async -> RequestRecord {
        await gate.pass(request)
        let odd = request.prompt.count % 2 == 1
        return odd
            ? .failure(kind: "worker_lost", message: "synthetic")
            : .success(RequestTiming(
                timeToFirstToken: .milliseconds(1), interTokenLatencies: [], latency: .milliseconds(2), inputTokens: 1,
                outputTokens: 1))
    }
}

@Suite("Issuing the load")
struct LoadGeneratorTests {
    let source: RequestSource

    init() throws {
        source = try RequestSource(BenchConfiguration(
            target: .http(host: "127.0.0.1", port: 1), load: .closed(concurrency: 1), stop: .requests(1),
            prompts: .synthetic(inputTokens: 3)))
    }

    @Test(.timeLimit(.minutes(1)))
    func aClosedLoopSendsTheCountAtItsConcurrency() async {
        let client = GatedClient(gate: 4)
        let run = await LoadGenerator(load: .closed(concurrency: 4), stop: .requests(23), seed: 0)
            .run(client: client, model: "m", source: source)
        #expect(run.records.count == 23)
        #expect(run.peakConcurrency == 4)
        // Each index once (the order they went out depends on scheduling).
        #expect(client.prompts.sorted() == (0..<23).map { source.request($0).prompt }.sorted())
    }

    @Test(.timeLimit(.minutes(1)))
    func anOpenLoopSendsTheCount() async {
        let client = GatedClient(gate: 1)
        let run = await LoadGenerator(load: .open(rate: 2000, burstiness: 1), stop: .requests(50), seed: 3)
            .run(client: client, model: "m", source: source)
        #expect(run.records.count == 50)
        #expect(Set(client.prompts).count == 50)
    }

    @Test(.timeLimit(.minutes(1)))
    func aDurationStopsSending() async {
        let client = GatedClient(gate: 1)
        let run = await LoadGenerator(load: .open(rate: 200, burstiness: 1), stop: .duration(.milliseconds(300)), seed: 3)
            .run(client: client, model: "m", source: source)
        #expect(!run.records.isEmpty)
        #expect(run.duration >= .milliseconds(250))
    }
}
