@testable import BenchKit
import Synchronization
import Testing

/// A client that answers without a network: it holds each request until `gate` requests are in
/// flight together (so a closed loop's concurrency is reached whatever the timing), then answers.
final class GatedClient: GenerationClient {
    private let state = Mutex((waiting: [CheckedContinuation<Void, Never>](), released: false, sent: [String]()))
    private let gate: Int

    init(gate: Int) {
        self.gate = gate
    }

    var prompts: [String] { state.withLock { $0.sent } }

    func generate(_ request: BenchRequest, model: String) async -> RequestRecord {
        await withCheckedContinuation { continuation in
            let release: [CheckedContinuation<Void, Never>] = state.withLock { state in
                state.sent.append(request.prompt)
                if state.released { return [continuation] }
                state.waiting.append(continuation)
                guard state.waiting.count >= gate else { return [] }
                state.released = true
                defer { state.waiting = [] }
                return state.waiting
            }
            release.forEach { $0.resume() }
        }
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
