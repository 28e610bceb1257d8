import Engine
import Foundation
import Logging
import LoomProtocol
import Synchronization

/// The worker's compute thread: takes requests and cancels from the comms thread, runs the
/// continuous-batching executor step after step while there is work, and hands every delta, finish and
/// error back as encoded wire messages. It sleeps when idle and wakes on the next request.
///
/// A request is prepared (chat template, tokens, images decoded and preprocessed) on a small queue
/// beside this thread, then submitted to the executor: nothing a request brings holds up a step.
final class ComputeLoop: Sendable {
    enum Command: Sendable {
        /// A request, and when the worker received it: its queue time starts there, before its
        /// images are decoded and before the step that was running ends.
        case request(GenerationRequest, received: Date)
        case cancel(String)
        /// Stop admitting; finish what runs by the deadline, then cancel the rest.
        case drain(until: Date)
        /// A request's preparation ended, off the thread.
        case prepared(wireID: String, RequestID, Result<BatchExecutor.Request, RequestPreparer.Failure>, received: Date)
    }

    /// Requests being prepared at once; each decodes its images one after another.
    static let concurrentPreparations = 2
    /// The preparation threads' nice value (the compute threads keep the process's).
    static let preparationNice: Int32 = 10

    /// What the heartbeat reports, published after each step.
    struct Load: Sendable {
        var waiting = 0
        var running = 0
        var kvBlocksUsed = 0
        var kvBlocksTotal = 0
        var tokensPerSecond = 0.0
        var preemptions = 0
        var recentImages: [UInt64] = []
        var prefixCache = PrefixCacheCounters()
        var imagesEncoded = 0
        var imageEncodeSeconds = 0.0
        /// Images being decoded, waiting for the tower, or in its pass.
        var imageQueueDepth = 0
    }

    private let inbox = Mutex<[Command]>([])
    private let wake = DispatchSemaphore(value: 0)
    let load = Mutex(Load())
    private let finished = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)
    /// Set once a drain is asked for: comms stops registering again.
    let draining = Atomic<Bool>(false)

    /// Starts the thread and builds the executor on it with `make` (the model lives on the thread that
    /// runs it); throws what `make` threw. `send` is called on the thread with each message for the
    /// controller.
    init(logger: Logger, send: @escaping @Sendable ([[UInt8]]) -> Void,
         make: @escaping @Sendable () throws -> (BatchExecutor, RequestPreparer)) throws {
        let ready = Mutex<(any Error)??>(nil)
        let readySignal = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            let built: (BatchExecutor, RequestPreparer)
            do {
                built = try make()
                ready.withLock { $0 = .some(nil) }
                readySignal.signal()
            } catch {
                ready.withLock { $0 = .some(error) }
                readySignal.signal()
                self.finished.signal()
                return
            }
            let preparations = OperationQueue()
            preparations.maxConcurrentOperationCount = Self.concurrentPreparations
            let preparer = built.1
            var state = State(executor: built.0, preparer: preparer, logger: logger, send: send) { request, id, received in
                preparations.addOperation {
                    // Below the compute threads: on a machine with no core to spare, decoding a large
                    // image waits for them rather than lengthening their step.
                    ComputePool.lowerCurrentThreadPriority(nice: Self.preparationNice)
                    let result = Result { () throws(RequestPreparer.Failure) in try preparer.prepare(request, id: id) }
                    self.submit(.prepared(wireID: request.id, id, result, received: received))
                }
            }
            var stepped = false  // since memory was last given back
            while !self.stopped.load(ordering: .acquiring) {
                let commands = self.inbox.withLock { q in defer { q.removeAll() }; return q }
                for command in commands { state.apply(command) }
                if state.executor.hasWork {
                    state.step()
                    stepped = true
                    self.load.withLock { $0 = state.load }
                } else {
                    if stepped { state.executor.releaseIdleMemory() }
                    stepped = false
                    self.load.withLock { $0 = state.load }
                    if state.drainDeadline != nil, state.preparing.isEmpty { break }
                    _ = self.wake.wait(timeout: .now() + .milliseconds(200))
                }
            }
            self.finished.signal()
        }
        thread.name = "loom-compute"
        thread.stackSize = 8 << 20
        thread.start()
        readySignal.wait()
        if let error = ready.withLock({ $0 ?? nil }) { throw error }
    }

    func submit(_ command: Command) {
        if case .drain = command { draining.store(true, ordering: .releasing) }
        inbox.withLock { $0.append(command) }
        wake.signal()
    }

    /// Waits until the loop has drained (after `.drain`) or `timeout` passes.
    func waitUntilFinished(timeout: Duration) -> Bool {
        finished.wait(timeout: .now() + .milliseconds(Int(timeout.components.seconds * 1000))) == .success
    }

    func stop() {
        stopped.store(true, ordering: .releasing)
        wake.signal()
    }

    /// Everything the loop owns, touched only on its thread.
    private struct State {
        let executor: BatchExecutor
        let preparer: RequestPreparer
        let logger: Logger
        let send: @Sendable ([[UInt8]]) -> Void
        /// Hands a request to the preparation queue; its result comes back as `.prepared`.
        let prepareOffThread: @Sendable (GenerationRequest, RequestID, Date) -> Void
        /// Requests on the preparation queue, with their image counts.
        var preparing: [RequestID: Int] = [:]
        var wireIDs: [RequestID: String] = [:]
        var localIDs: [String: RequestID] = [:]
        var nextID: UInt64 = 1
        var drainDeadline: Date?

        var load: Load {
            Load(waiting: executor.scheduler.waitingCount, running: executor.scheduler.runningCount,
                 kvBlocksUsed: executor.kvBlocksUsed, kvBlocksTotal: executor.kvBlocksTotal,
                 tokensPerSecond: executor.recentTokensPerSecond(), preemptions: executor.scheduler.preemptionCount,
                 recentImages: preparer.builder.images?.recentImages() ?? [],
                 prefixCache: PrefixCacheCounters(
                    queriedTokens: executor.scheduler.queriedPositions, hitTokens: executor.scheduler.hitPositions,
                    cachedBlocks: executor.scheduler.pool.cachedBlocks, evictions: executor.scheduler.pool.evictions),
                 imagesEncoded: executor.imagesEncoded, imageEncodeSeconds: executor.imageEncodeSeconds,
                 imageQueueDepth: executor.imageQueueDepth + preparing.values.reduce(0, +))
        }

        mutating func apply(_ command: Command) {
            switch command {
            case .request(let request, let received):
                guard drainDeadline == nil else {
                    return fail(request.id, .cancelled, "this worker is shutting down")
                }
                guard localIDs[request.id] == nil else {
                    return fail(request.id, .badRequest, "request id \(request.id) is already running here")
                }
                let id = RequestID(nextID)
                nextID += 1
                wireIDs[id] = request.id
                localIDs[request.id] = id
                preparing[id] = request.images.count
                prepareOffThread(request, id, received)
            case .prepared(let wireID, let id, let result, let received):
                preparing[id] = nil
                // Cancelled while it was prepared. One received before a drain began runs like the
                // others already submitted, until the drain's deadline.
                guard wireIDs[id] == wireID else { return }
                switch result {
                case .success(let prepared):
                    if let refusal = executor.submit(prepared, now: received) { handle(refusal) }
                    logger.debug("request \(wireID) queued: \(prepared.prompt.count) prompt positions, \(prepared.pending.count) images to encode")
                case .failure(let error):
                    fail(wireID, error.code, error.message)
                    forget(id)
                }
            case .cancel(let wireID):
                guard let id = localIDs[wireID] else { return }
                if let event = executor.cancel(id) {
                    handle(event)
                } else if preparing[id] != nil {
                    fail(wireID, .cancelled, "cancelled before it started")
                    forget(id)
                }
            case .drain(let until):
                drainDeadline = until
            }
        }

        mutating func step() {
            if let deadline = drainDeadline, Date() >= deadline {
                for id in Array(wireIDs.keys) {
                    if let wireID = wireIDs[id] { fail(wireID, .cancelled, "the worker shut down before this request finished") }
                    _ = executor.cancel(id)
                    forget(id)
                }
                return
            }
            for event in executor.step() { handle(event) }
        }

        mutating func handle(_ event: BatchExecutor.Event) {
            switch event {
            case .delta(let id, let text, let tokens, let count, let logprobs):
                guard let wireID = wireIDs[id] else { return }
                let wireLogprobs = logprobs.map { TokenLogprob($0, tokenizer: executor.tokenizer) }
                send(WorkerMessage.partial(Partial(
                    requestId: wireID, completionTokens: count, tokens: tokens, text: text, logprobs: wireLogprobs)).encode())
            case .promptLogprobs(let id, let logprobs):
                guard let wireID = wireIDs[id] else { return }
                let entries = logprobs.map { TokenLogprob($0, tokenizer: executor.tokenizer) }
                // At most maxTokenIds entries a PARTIAL: a chunk is smaller, but the bound is the wire's.
                for start in stride(from: 0, to: entries.count, by: WireLimits.default.maxTokenIds) {
                    send(WorkerMessage.partial(Partial(
                        requestId: wireID, completionTokens: 0, tokens: [], text: "",
                        promptLogprobs: Array(entries[start..<min(start + WireLimits.default.maxTokenIds, entries.count)]))).encode())
                }
            case .finished(let id, let reason, let usage, let timings):
                guard let wireID = wireIDs[id] else { return }
                send(WorkerMessage.final(Final(requestId: wireID, finishReason: reason, usage: usage, timings: timings)).encode())
                logger.info("request \(wireID): \(reason.name), \(usage.promptTokens)+\(usage.imageTokens) prompt (\(usage.cachedTokens) cached), \(usage.completionTokens) generated, queue \(Int(timings.queueMs)) ms\(timings.imageEncodeMs > 0 ? " (images: \(Int(timings.imageQueueMs)) ms waiting, \(Int(timings.imageEncodeMs)) ms encoding)" : ""), first token \(Int(timings.timeToFirstTokenMs)) ms, \(String(format: "%.1f", timings.decodeTokensPerSecond)) tokens/s")
                forget(id)
            case .refused(let id, let why):
                guard let wireID = wireIDs[id] else { return }
                let (code, message) = why.wireError
                fail(wireID, code, message)
                forget(id)
            case .failed(let id, let message):
                guard let wireID = wireIDs[id] else { return }
                logger.error("request \(wireID): \(message)")
                fail(wireID, .internal, message)
                forget(id)
            }
        }

        func fail(_ wireID: String, _ code: ErrorCode, _ message: String) {
            logger.info("request \(wireID): \(code.name): \(message)")
            send(WorkerMessage.error(RequestError(requestId: wireID, code: code, message: message)).encode())
        }

        mutating func forget(_ id: RequestID) {
            if let wireID = wireIDs.removeValue(forKey: id) { localIDs[wireID] = nil }
        }
    }
}
