import ClientKit
import Foundation

/// A whole loom-bench run: read the prompts, find the model, warm up, measure, report.
public enum Bench {
    public static func run(_ configuration: BenchConfiguration) async throws(BenchError) -> BenchReport {
        let source = try RequestSource(configuration)
        let timeout = configuration.requestTimeout
        let discoveryTimeout = Duration.seconds(5)
        switch configuration.target {
        case .http:
            // One client for the process, shut down when the run ends.
            return try await ControllerHTTPClient.with(connectTimeout: min(timeout, .seconds(10))) { (http) async throws(BenchError) in
                let model: String
                if let named = configuration.model {
                    model = named
                } else {
                    model = try await ModelDiscovery.firstModel(at: configuration.target, client: http, timeout: discoveryTimeout)
                }
                let client = HTTPGenerationClient(client: http, address: configuration.target, timeout: timeout)
                return await measure(configuration, source: source, backend: "loom-http", model: model, client: client)
            }
        case .zeroMQ:
            let model: String
            if let named = configuration.model {
                model = named
            } else {
                model = try await offThePool { () throws(BenchError) in
                    try ModelDiscovery.firstModel(atZeroMQ: configuration.target, timeout: discoveryTimeout)
                }
            }
            let client: ZeroMQGenerationClient
            do {
                client = try ZeroMQGenerationClient(address: configuration.target, timeout: timeout)
            } catch {
                throw BenchError("cannot open a ZeroMQ socket to \(configuration.target): \(error)")
            }
            defer { client.close() }
            return await measure(configuration, source: source, backend: "loom-zmq", model: model, client: client)
        }
    }

    /// The warm-up, then the measured run with its progress bar.
    private static func measure(
        _ configuration: BenchConfiguration, source: RequestSource, backend: String, model: String, client: some GenerationClient
    ) async -> BenchReport {
        if configuration.warmup > 0 {
            // Single requests, even before conversations, with prompts of their own.
            let streams = configuration.load.streams ?? 1
            _ = await LoadGenerator(
                load: .closed(concurrency: min(streams, configuration.warmup)), stop: .requests(configuration.warmup),
                seed: configuration.seed &+ 1
            ).run(client: client, model: model, source: source.forWarmUp())
        }
        let progress = RunProgress()
        let display = ProgressDisplay(stop: configuration.stop, progress: progress)
        let run = await LoadGenerator(
            load: configuration.load, stop: configuration.stop, seed: configuration.seed, thinkTime: configuration.thinkTime)
            .run(client: client, model: model, source: source, progress: progress)
        await display.finish()
        return BenchReport(
            backend: backend, target: configuration.target.description, model: model, configuration: configuration, run: run)
    }

    /// Runs blocking `work` on a thread of its own, so the cooperative pool (two threads here)
    /// never waits on a socket.
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws(BenchError) -> T) async throws(BenchError) -> T {
        let result: Result<T, BenchError> = await withCheckedContinuation { continuation in
            Thread {
                do throws(BenchError) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }.start()
        }
        return try result.get()
    }
}
