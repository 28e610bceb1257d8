import Engine
import Foundation
import Logging
import LoomProtocol
import Synchronization
import ZeroMQ

/// A running worker: the compute loop (model, scheduler, batching) and the comms thread (controller
/// socket), wired together.
public final class WorkerService: Sendable {
    public let registration: Registration
    private let compute: ComputeLoop
    private let comms: SocketThread
    private let options: WorkerOptions
    private let logger: Logger

    public static let version = "0.1.0"

    /// Loads the model, starts both threads and registers with the controller.
    public init(options: WorkerOptions, logger: Logger) throws {
        self.options = options
        self.logger = logger
        // Sizes first, from the metadata alone: the registration states them.
        let config = try LlamaConfig(gguf: GGUFFile(path: options.model))
        let pool = Self.poolSize(options, config)
        let layout = try KVLayout(model: config, budgetBytes: pool.bytes)
        let scheduling = try SchedulerConfig(
            maxRunning: options.maxRunning, maxBatchTokens: options.maxRunning + options.prefillChunk,
            prefillChunk: options.prefillChunk, kv: layout, contextLength: config.contextLength,
            prefixCaching: options.prefixCache && options.arithmetic == .fast, stepTarget: options.stepTarget?.seconds,
            visionBudget: options.visionBudget?.seconds)
        if options.prefixCache && options.arithmetic == .exact {
            logger.warning("prefix cache off: with --arithmetic exact a cache hit could change a prompt's numbers")
        }
        let name = options.modelName ?? Self.defaultName(options.model)
        registration = Registration(
            workerId: options.workerID, instance: UInt64.random(in: 1 ... .max), version: Self.version, host: options.advertise,
            models: [ModelInfo(name: name, contextLength: config.contextLength, multimodal: options.mmproj != nil)],
            capacity: WorkerCapacity(maxRunningSequences: options.maxRunning, kvBlocks: layout.blockCount, kvBlockTokens: layout.blockSize))

        let link = OutboxLink()
        compute = try ComputeLoop(logger: logger, send: { link.send($0) }) { () throws -> (BatchExecutor, RequestPreparer) in
            let gguf = try GGUFFile(path: options.model)
            let model = try LlamaModel(gguf: gguf, pool: ComputePool(threads: options.threads),
                                       maxBatchTokens: scheduling.maxBatchTokens, maxLogitRows: options.maxRunning,
                                       arithmetic: options.arithmetic)
            let tokenizer = try Tokenizer(gguf: gguf)
            let selection = ChatTemplate.forModel(gguf)
            if let warning = selection.warning { logger.warning("\(warning)") }
            let images = try options.mmproj.map { path throws in
                try ImageEmbedder(mmproj: GGUFFile(path: path), languageWidth: model.config.dim, pool: model.pool,
                                  limits: options.imageLimits)
            }
            let executor = try BatchExecutor(model: model, tokenizer: tokenizer, config: scheduling)
            executor.images = images
            let builder = PromptBuilder(tokenizer: tokenizer, images: images)
            return (executor, RequestPreparer(
                modelName: name, template: selection.template, builder: builder, maxPromptTokens: options.maxPromptTokens,
                contextLength: model.config.contextLength, vocabularySize: model.config.vocabSize,
                grammars: GrammarCache(tokenizer: tokenizer)))
        }
        let registration = registration, compute = compute
        comms = try SocketThread.start(name: "loom-comms", tickInterval: options.heartbeat) { context in
            try WorkerComms(context: context, options: options, registration: registration, compute: compute, logger: logger)
        }
        link.set(comms.outbox)
        logger.info("serving \(name) (\(config.layers) layers, context \(config.contextLength)); \(layout.blockCount) KV blocks of \(layout.blockSize) tokens, up to \(options.maxRunning) sequences; prefix cache \(scheduling.prefixCaching ? "on" : "off"); steps of \(options.stepTarget.map { "about \($0)" } ?? "any length")")
        logger.info("KV pool: \(pool.reason)")
    }

    /// `--kv-budget` if given, else a share of the memory available beside the weights (the model's
    /// and the vision projector's files).
    static func poolSize(_ options: WorkerOptions, _ config: LlamaConfig) -> KVPoolSize {
        if let bytes = options.kvBudgetBytes { return KVPoolSize(bytes: bytes, reason: "\(bytes >> 20) MiB (--kv-budget)") }
        let files = [options.model] + (options.mmproj.map { [$0] } ?? [])
        let weights = files.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
        let ceiling = options.maxRunning * (config.contextLength + KVLayout.defaultBlockSize) * KVLayout.bytesPerToken(config)
        return .automatic(availableBytes: KVPoolSize.availableBytes() ?? KVPoolSize.floor, weightBytes: weights,
                          share: options.kvMemoryShare, ceilingBytes: ceiling)
    }

    /// The name a model file is served under: its file name up to the first dot.
    static func defaultName(_ path: String) -> String {
        let file = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return String(file.split(separator: ".").first ?? Substring(file))
    }

    /// SIGTERM: stop admitting, tell the controller, finish what runs within the drain period, cancel
    /// the rest, stop.
    public func drainAndStop() {
        logger.info("draining: finishing running requests for up to \(options.drain)")
        _ = comms.outbox.send(WorkerMessage.disconnect(Disconnect(reason: .shutdown, message: "worker draining")).encode(), on: 0)
        compute.submit(.drain(until: Date().addingTimeInterval(Double(options.drain.components.seconds))))
        _ = compute.waitUntilFinished(timeout: options.drain + .seconds(2))
        stop()
    }

    public func stop() {
        compute.stop()
        comms.stop(grace: .seconds(1))
    }
}

/// The compute loop's way to the comms outbox, set once the comms thread exists.
private final class OutboxLink: Sendable {
    private let outbox = Mutex<Outbox?>(nil)
    func set(_ o: Outbox) { outbox.withLock { $0 = o } }
    func send(_ frames: [[UInt8]]) { _ = outbox.withLock { $0 }?.send(frames, on: 0) }
}
