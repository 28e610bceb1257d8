import ClientKit
import Foundation

/// A whole loom-bench run: read the prompts, find the model, warm up, measure, report.
public enum Bench {
    public static func run(_ configuration: BenchConfiguration) async throws(BenchError) -> BenchReport {
        let source = try RequestSource(configuration)
        let timeout = configuration.requestTimeout
        let model: String
        if let named = configuration.model {
            model = named
        } else {
            model = try await offThePool { () throws(BenchError) in
                try ModelDiscovery.firstModel(at: configuration.target, timeout: .seconds(5))
            }
        }
        let backend: String
        let client: any GenerationClient
        var closeClient: @Sendable () -> Void = {}
        switch configuration.target {
        case .http:
            backend = "loom-http"
            client = HTTPGenerationClient(address: configuration.target, timeout: timeout)
        case .zeroMQ:
            backend = "loom-zmq"
            do {
                let zeroMQ = try ZeroMQGenerationClient(address: configuration.target, timeout: timeout)
                client = zeroMQ
                closeClient = { zeroMQ.close() }
            } catch {
                throw BenchError("cannot open a ZeroMQ socket to \(configuration.target): \(error)")
            }
        }
        defer { closeClient() }

        if configuration.warmup > 0 {
            let streams = if case .closed(let concurrency) = configuration.load { concurrency } else { 1 }
            _ = await LoadGenerator(
                load: .closed(concurrency: min(streams, configuration.warmup)), stop: .requests(configuration.warmup),
                seed: configuration.seed &+ 1
            ).run(client: client, model: model, source: source)
        }
        let progress = RunProgress()
        let display = ProgressDisplay(stop: configuration.stop, progress: progress)
        let run = await LoadGenerator(load: configuration.load, stop: configuration.stop, seed: configuration.seed)
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
