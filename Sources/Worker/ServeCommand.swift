import ArgumentParser
import Dispatch
import Foundation
import Logging
import Engine
import WorkerKit
import ZeroMQ

/// An option that is `on` or `off`.
enum Switch: String, ExpressibleByArgument, CaseIterable {
    case on, off
}

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Loads a model, registers with a controller and serves requests with continuous batching.")

    @Option(help: "The controller's worker endpoint.") var controller = "tcp://127.0.0.1:5560"
    @Option(help: "Path to the language model GGUF file (default: the fetched SmolLM2).") var model: String?
    @Option(help: "Path to the vision projector (mmproj) GGUF file, for image requests.") var mmproj: String?
    @Option(help: "Name the model is served under (default: the file name up to its first dot).") var modelName: String?
    @Option(help: "This worker's id, unique among the controller's workers (default: host-pid).") var id: String?
    @Option(help: "Host name or address the controller shows for this worker (default: this host's name).") var advertise: String?
    @Option(help: "Most sequences decoding at once.") var maxRunning = 32
    @Option(help: "Bytes of memory for the KV cache, which sets how many tokens all sequences and the prefix cache hold together (default: --kv-memory-share of the memory available beside the weights).") var kvBudget: Int?
    @Option(help: "Share of the available memory the KV cache takes when --kv-budget is not given.") var kvMemoryShare = 0.5
    @Option(help: "Milliseconds one step should take: prefill chunks shrink to fit beside the decodes, by what attention over their context costs (0: bounded by tokens alone).") var stepTargetMs = 100
    @Option(help: "Most milliseconds of image encoding in one step (default: what the step target leaves after the decodes, at least a quarter of it).") var visionBudgetMs: Int?
    @Option(help: "Most prompt tokens one sequence feeds per step, so long prompts never stall running streams.") var prefillChunk = 256
    @Option(help: "Compute threads.") var threads = 2
    @Option(help: Arithmetic.help) var arithmetic = Arithmetic.fast
    @Option(help: "on: keep computed KV blocks, so a prompt that begins like an earlier one computes only the rest (off with --arithmetic exact).") var prefixCache = Switch.on
    @Option(help: "Heartbeat interval in milliseconds (the controller's must match).") var heartbeatMs = 1000
    @Option(help: "Missed heartbeats before the controller counts as gone and the worker reconnects.") var liveness = 3
    @Option(help: "On SIGTERM or SIGINT, seconds to finish running requests before cancelling them.") var drainSeconds = 30
    @Option(help: "Most prompt positions (tokens and image embeddings) per request (default: the model's context).") var maxPromptTokens: Int?
    @Option(help: "Most pixels (width × height) of an image file, judged before decoding.") var maxImagePixels = ImageLimits.default.maxPixels
    @Option(help: "CURVE: the controller's public key, Z85 or a file holding it; turns CURVE on.") var curveServerKey: String?
    @Option(help: "CURVE: this worker's secret key file (loom-worker keygen); its public key must be on the controller's --worker-keys.") var curveKey: String?
    @Option(help: "A file rewritten every heartbeat with 'connected', 'disconnected' or 'draining' (for exec probes).") var healthFile: String?
    @Option(help: "Log level: trace, debug, info, warning, error.") var logLevel = "info"

    func validate() throws {
        guard maxPromptTokens.map({ $0 > 0 }) ?? true, maxImagePixels > 0 else {
            throw ValidationError("--max-prompt-tokens and --max-image-pixels must be positive")
        }
        guard kvBudget.map({ $0 > 0 }) ?? true, kvMemoryShare > 0, kvMemoryShare <= 0.95, stepTargetMs >= 0, visionBudgetMs.map({ $0 > 0 }) ?? true else {
            throw ValidationError("--kv-budget must be positive, --kv-memory-share in (0, 0.95], --step-target-ms 0 or more, --vision-budget-ms positive")
        }
        guard curveKey == nil || curveServerKey != nil else { throw ValidationError("--curve-key needs --curve-server-key") }
    }

    func run() throws {
        guard let modelPath = model ?? DefaultModel.path else {
            throw ValidationError("no --model given and the default model is not fetched (scripts/fetch-model)")
        }
        var logger = Logger(label: "loom-worker")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var options = WorkerOptions(controller: controller, model: modelPath, workerID: id, advertise: advertise)
        options.mmproj = mmproj
        options.modelName = modelName
        options.maxRunning = maxRunning
        options.kvBudgetBytes = kvBudget
        options.kvMemoryShare = kvMemoryShare
        options.stepTarget = stepTargetMs > 0 ? .milliseconds(stepTargetMs) : nil
        options.visionBudget = visionBudgetMs.map { .milliseconds($0) }
        options.prefillChunk = prefillChunk
        options.threads = threads
        options.arithmetic = arithmetic
        options.prefixCache = prefixCache == .on
        options.heartbeat = .milliseconds(heartbeatMs)
        options.liveness = liveness
        options.drain = .seconds(drainSeconds)
        options.maxPromptTokens = maxPromptTokens
        options.healthFile = healthFile
        options.imageLimits.maxPixels = maxImagePixels
        if let curveServerKey {
            options.curveServerKey = try CurveKeyFile.key(fileOrZ85: curveServerKey)
            options.curveKeys = try curveKey.map { try CurveKeyPair(secretKey: CurveKeyFile.readKey(at: $0)) }
        }
        let service = try WorkerService(options: options, logger: logger)

        let done = DispatchSemaphore(value: 0)
        let signals = [SIGTERM, SIGINT].map { signo -> DispatchSourceSignal in
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            source.setEventHandler { done.signal() }
            source.resume()
            return source
        }
        done.wait()
        service.drainAndStop()
        signals.forEach { $0.cancel() }
    }
}
