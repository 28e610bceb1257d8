import ControllerKit
import Dispatch
import Foundation
import LoomProtocol
import Testing
import ZeroMQ

/// Not a timed test: prints how fast the controller relays. Run in release:
/// `LOOM_RELAY_BENCH=1 swift test -c release --filter RelayBenchmark`.
@Suite("Relay benchmark", .serialized, .enabled(if: ProcessInfo.processInfo.environment["LOOM_RELAY_BENCH"] != nil))
struct RelayBenchmark {
    /// Streams as fast as the worker can send: messages relayed per second.
    @Test func throughput() async throws {
        let streams = 8, tokens = 25_000
        let direct = try await run(.direct, streams: streams, tokens: tokens, interval: .zero)
        let relayed = try await run(.viaController, streams: streams, tokens: tokens, interval: .zero)
        print("relay throughput, \(streams) streams × \(tokens) tokens, worker sending as fast as it can:")
        print("  worker → client directly:      \(direct.rate) messages/s")
        print("  worker → controller → client:  \(relayed.rate) messages/s")
        #expect(relayed.results.partials == streams * tokens)
    }

    /// Paced streams, as a batch of decoding sequences sends them: the latency the controller adds.
    @Test(arguments: [1, 16])
    func latency(streams: Int) async throws {
        let tokens = 8000 / streams
        let direct = try await run(.direct, streams: streams, tokens: tokens, interval: .milliseconds(2))
        let relayed = try await run(.viaController, streams: streams, tokens: tokens, interval: .milliseconds(2))
        print("token latency, \(streams) streams × \(tokens) tokens, one every 2 ms per stream (worker send → client receipt):")
        print("  directly:        median \(direct.percentile(0.5)) µs, p99 \(direct.percentile(0.99)) µs")
        print("  via controller:  median \(relayed.percentile(0.5)) µs, p99 \(relayed.percentile(0.99)) µs")
        print("  added by the controller: median \(relayed.percentile(0.5) - direct.percentile(0.5)) µs")
        #expect(relayed.results.partials == streams * tokens)
    }

    enum Path { case direct, viaController }

    struct Run {
        let results: StreamSink.Results

        var rate: Int {
            let seconds = Double(results.lastEnd - results.firstPartial) / 1e9
            return seconds > 0 ? Int(Double(results.partials) / seconds) : 0
        }

        func percentile(_ p: Double) -> Int {
            let sorted = results.latencies.sorted()
            guard !sorted.isEmpty else { return 0 }
            return Int(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] / 1000)
        }
    }

    private func run(_ path: Path, streams: Int, tokens: Int, interval: Duration) async throws -> Run {
        let requests = (0..<streams).map {
            GenerationRequest(id: "bench-\($0)", model: testModel.name, prompt: .text("go"), sampling: SamplingParameters(maxTokens: tokens))
        }
        var settings = SyntheticWorker.Settings(id: "bench-worker")
        settings.maxRunning = streams
        settings.tokenInterval = interval
        settings.text = { _ in String(DispatchTime.now().uptimeNanoseconds) }
        let published = Locked<StreamSink.Results?>(nil)
        let sink: SocketThread
        let worker: SyntheticWorker
        var controller: SocketRelay?
        switch path {
        case .direct:
            let endpoint = try unusedEndpoint()
            sink = try SocketThread.start(name: "sink", tickInterval: .seconds(1)) { context in
                try StreamSink(context: context, mode: .direct(bind: endpoint), requests: requests, published: published)
            }
            worker = try SyntheticWorker(settings, endpoint: endpoint)
        case .viaController:
            let running = try SocketRelay.start(testConfiguration { $0.requestTimeout = .seconds(120) }, logger: quietLogger)
            controller = running
            worker = try SyntheticWorker(settings, endpoint: running.workerEndpoint)
            #expect(await eventually { !running.snapshot.liveWorkers.isEmpty })
            sink = try SocketThread.start(name: "sink", tickInterval: .seconds(1)) { context in
                try StreamSink(context: context, mode: .viaController(clientEndpoint: running.clientEndpoint), requests: requests, published: published)
            }
        }
        defer {
            sink.stop()
            worker.kill()
            controller?.shutdown()
        }
        #expect(await eventually(within: .seconds(120)) { published.value != nil }, "every stream ended")
        return Run(results: published.value ?? StreamSink.Results())
    }

    private func unusedEndpoint() throws -> String {
        let socket = try Socket(try Context(), type: .router)
        let endpoint = try socket.bind("tcp://127.0.0.1:*")
        socket.close()
        return endpoint
    }
}
