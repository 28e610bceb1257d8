import ArgumentParser
import Engine
import Foundation
import Logging
import WorkerKit

struct BenchServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-serve",
        abstract: "Starts a worker and drives it over its socket with N streams starting 100 ms apart (use a release build).")

    @Option(help: "Path to the language model GGUF file (default: the fetched SmolLM2).") var model: String?
    @Option(parsing: .upToNextOption, help: "Stream counts to measure.") var streams: [Int] = [1, 4, 8, 16]
    @Option(help: "Tokens each stream generates.") var maxTokens = 128
    @Option(help: "Milliseconds between stream starts.") var staggerMs = 100
    @Option(help: "Compute threads.") var threads = 2
    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(help: ArgumentHelp(
        "Also run every stream count constrained by a grammar, and compare: 'json' (an endless JSON array) or a GBNF file.",
        valueName: "json|file")) var grammar: String?

    func run() throws {
        guard let path = model ?? DefaultModel.path else {
            throw ValidationError("no --model given and the default model is not fetched (scripts/fetch-model)")
        }
        let driver = try WorkerDriver()
        var logger = Logger(label: "loom-worker")
        logger.logLevel = .warning
        var options = WorkerOptions(controller: driver.endpoint, model: path, workerID: "bench-worker", advertise: "127.0.0.1")
        options.heartbeat = .milliseconds(100)
        options.threads = threads
        options.maxRunning = max(streams.max() ?? 1, 1)
        let service = try WorkerService(options: options, logger: logger)
        defer { service.stop() }
        guard let registration = try driver.waitForRegistration() else { throw ValidationError("the worker did not register") }

        var bench = ServeBenchmark(model: registration.models[0].name)
        bench.streams = streams
        bench.maxTokens = maxTokens
        bench.stagger = .milliseconds(staggerMs)
        let progress: (String) -> Void = { if !json { FileHandle.standardError.write(Data("… \($0)\n".utf8)) } }
        let figures = try bench.run(driver, progress: progress)
        var constrained: [ServeBenchmark.Figure] = []
        if let grammar {
            bench.grammar = grammar == "json" ? ServeBenchmark.endlessJSONGrammar : try String(contentsOfFile: grammar, encoding: .utf8)
            constrained = try bench.run(driver) { progress("constrained: \($0)") }
        }
        if json {
            let document = constrained.isEmpty ? ["free": figures] : ["free": figures, "constrained": constrained]
            print(String(decoding: try JSONEncoder().encode(document), as: UTF8.self))
            return
        }
        print("streams   aggregate tok/s   per-stream tok/s   mean TTFT ms   max TTFT ms")
        for f in figures {
            print(String(format: "%7d   %15.1f   %16.1f   %12.1f   %11.1f", f.streams, f.aggregateTokensPerSecond,
                         f.perStreamTokensPerSecond, f.meanTimeToFirstTokenMs, f.maxTimeToFirstTokenMs))
        }
        for (free, f) in zip(figures, constrained) {
            print(String(format: "constrained, %d streams: %.1f tok/s per stream, %.2f× free; mean TTFT %.1f ms", f.streams,
                         f.perStreamTokensPerSecond, f.perStreamTokensPerSecond / free.perStreamTokensPerSecond,
                         f.meanTimeToFirstTokenMs))
        }
        if let one = figures.first(where: { $0.streams == 1 }) {
            for f in figures where f.streams > 1 {
                print(String(format: "per-stream speed at %d streams: %.0f%% of one stream alone", f.streams,
                             100 * f.perStreamTokensPerSecond / one.perStreamTokensPerSecond))
            }
        }
    }
}
