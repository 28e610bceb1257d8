import Engine
import Foundation

/// The executor of continuous batching: drives the `Scheduler`, runs each planned step as one forward
/// pass of the model over all sequences, samples each sequence with its own parameters, and turns tokens
/// into text deltas. Owned by one compute thread; nothing here blocks on I/O.
public final class BatchEngine {
    public let model: LlamaModel
    public let tokenizer: Tokenizer
    public private(set) var scheduler: Scheduler
    let kv: KVCache
    private var sequences: [RequestID: Sequence] = [:]
    private var batch = DecoderBatch()
    private var scratch: SamplerScratch
    /// Which sequence owns each logits row of the current step.
    private var logitOwners: [RequestID] = []
    /// Tokens generated over the recent window, for the heartbeat's tokens/s.
    private var recent: [(time: Date, tokens: Int)] = []

    /// One request as the engine sees it: prompt items (tokens, or embedding rows for image positions),
    /// parameters and an optional deadline.
    public struct Request: Sendable {
        public var id: RequestID
        public var prompt: [PromptItem]
        public var imagePositions: Int
        public var parameters: SamplingParameters
        public var deadline: Date?

        public init(id: RequestID, prompt: [PromptItem], imagePositions: Int = 0, parameters: SamplingParameters, deadline: Date? = nil) {
            self.id = id
            self.prompt = prompt
            self.imagePositions = imagePositions
            self.parameters = parameters
            self.deadline = deadline
        }
    }

    public struct Usage: Sendable, Equatable {
        public var promptTokens: Int
        public var imageTokens: Int
        public var completionTokens: Int
    }

    public struct Timings: Sendable, Equatable {
        public var queueMs: Double
        public var timeToFirstTokenMs: Double
        public var decodeTokensPerSecond: Double
        public var totalMs: Double
    }

    public enum Event: Sendable, Equatable {
        case delta(RequestID, text: String, tokens: [Int32], completionTokens: Int)
        case finished(RequestID, FinishReason, Usage, Timings)
        case refused(RequestID, SubmitRefusal)
    }

    private struct Sequence {
        let request: Request
        var items: [PromptItem]
        var sampler: Sampler
        var detokenizer: StreamingDetokenizer
        var stops: StopMatcher
        var generated: [Int32] = []
        let arrival: Date
        var admitted: Date?
        var firstToken: Date?
    }

    public init(model: LlamaModel, tokenizer: Tokenizer, config: SchedulerConfig) {
        self.model = model
        self.tokenizer = tokenizer
        scheduler = Scheduler(config: config)
        kv = KVCache(config: model.config, budgetBytes: config.kvBlockCount * config.kvBlockSize * KVCache.bytesPerToken(model.config),
                     slots: config.maxRunning, blockSize: config.kvBlockSize)
        scratch = SamplerScratch(vocabularySize: model.config.vocabSize)
    }

    public var hasWork: Bool { !sequences.isEmpty }
    public var kvBlocksUsed: Int { kv.usedBlockCount }
    public var kvBlocksTotal: Int { kv.blockCount }

    /// Generated tokens per second over the last 10 s.
    public func recentTokensPerSecond(now: Date = Date()) -> Double {
        let window = recent.filter { now.timeIntervalSince($0.time) <= 10 }
        guard let first = window.first else { return 0 }
        let span = max(now.timeIntervalSince(first.time), 1)
        return Double(window.reduce(0) { $0 + $1.tokens }) / span
    }

    /// Queues a request; a refusal comes back at once as an event.
    public func submit(_ request: Request, now: Date = Date()) -> Event? {
        let p = request.parameters
        let maxTokens = max(1, min(p.maxTokens, model.config.contextLength - request.prompt.count))
        if case .refused(let why) = scheduler.submit(id: request.id, promptLength: request.prompt.count, maxTokens: maxTokens) {
            return .refused(request.id, why)
        }
        sequences[request.id] = Sequence(
            request: request, items: request.prompt,
            sampler: Sampler(p, prompt: request.prompt.compactMap(\.token)),
            detokenizer: StreamingDetokenizer(tokenizer: tokenizer), stops: StopMatcher(p.stop), arrival: now)
        return nil
    }

    /// Ends a request early; its KV blocks are free when this returns.
    public func cancel(_ id: RequestID, reason: FinishReason = .cancelled, now: Date = Date()) -> Event? {
        guard sequences[id] != nil else { return nil }
        return retire(id, reason, now: now)
    }

    /// Runs one step: plan, one forward over every planned token, sample, stream. Returns the events it
    /// produced (deltas, then finishes).
    public func step(now: Date = Date()) -> [Event] {
        var events: [Event] = []
        for (id, s) in sequences where s.request.deadline.map({ $0 <= now }) == true {
            if let e = retire(id, .deadline, now: now) { events.append(e) }
        }
        let plan = scheduler.planStep()
        guard !plan.isEmpty else { return events }
        for action in plan.kvActions {
            switch action {
            case .reserve(let slot, let tokens):
                let ok = kv.reserve(slot: slot, tokens: tokens)
                precondition(ok, "scheduler and KV pool disagree")  // the scheduler mirrors the pool exactly
            case .release(let slot):
                kv.release(slot: slot)
            }
        }
        for admission in plan.admitted where sequences[admission.id]?.admitted == nil {
            sequences[admission.id]?.admitted = now
        }

        batch.removeAll()
        logitOwners.removeAll(keepingCapacity: true)
        for entry in plan.entries {
            guard let s = sequences[entry.id] else { continue }
            let promptLength = s.request.prompt.count
            for i in entry.items {
                let wants = entry.wantsLogits && i == entry.items.upperBound - 1
                switch s.items[i] {
                case .token(let t): batch.append(token: t, position: i, slot: entry.slot, promptLength: promptLength, logits: wants)
                case .embedding(let row): batch.append(embedding: row, position: i, slot: entry.slot, promptLength: promptLength, logits: wants)
                }
            }
            if entry.wantsLogits { logitOwners.append(entry.id) }
        }
        let logits = model.forward(batch, kv: kv)
        let vocab = model.config.vocabSize

        var sampled: [RequestID] = []
        var done: [(RequestID, FinishReason)] = []
        let finishedAt = Date()
        for (row, id) in logitOwners.enumerated() {
            guard var s = sequences[id] else { continue }
            let token = s.sampler.sample(UnsafeBufferPointer(rebasing: logits[row * vocab..<(row + 1) * vocab]), scratch: &scratch)
            sampled.append(id)
            if tokenizer.isEndOfGeneration(token) && !s.request.parameters.ignoreEOS {
                sequences[id] = s
                done.append((id, .stop))
                continue
            }
            s.sampler.accept(token)
            s.generated.append(token)
            s.items.append(.token(token))
            if s.firstToken == nil { s.firstToken = finishedAt }
            var text: String
            var stopped = false
            switch s.stops.feed(s.detokenizer.append(token)) {
            case .text(let t): text = t
            case .stopped(let t): text = t; stopped = true
            }
            let maxTokens = scheduler.state(of: id)?.maxTokens ?? s.request.parameters.maxTokens
            let reachedLimit = s.generated.count >= maxTokens
            if reachedLimit && !stopped { text += s.stops.feed(s.detokenizer.flush()).emittedText + s.stops.flush() }
            events.append(.delta(id, text: text, tokens: [token], completionTokens: s.generated.count))
            sequences[id] = s
            if stopped { done.append((id, .stop)) } else if reachedLimit { done.append((id, .length)) }
        }
        scheduler.completeStep(sampled: sampled)
        recent.append((finishedAt, sampled.count))
        if recent.count > 4096 { recent.removeFirst(recent.count - 2048) }
        for (id, reason) in done {
            if let e = retire(id, reason, now: finishedAt) { events.append(e) }
        }
        return events
    }

    private func retire(_ id: RequestID, _ reason: FinishReason, now: Date) -> Event? {
        guard let s = sequences.removeValue(forKey: id) else { return nil }
        for action in scheduler.finish(id) {
            if case .release(let slot) = action { kv.release(slot: slot) }
        }
        let admitted = s.admitted ?? now
        let first = s.firstToken ?? now
        let decodeSeconds = now.timeIntervalSince(first)
        let usage = Usage(promptTokens: s.request.prompt.count - s.request.imagePositions,
                          imageTokens: s.request.imagePositions, completionTokens: s.generated.count)
        let timings = Timings(
            queueMs: admitted.timeIntervalSince(s.arrival) * 1000,
            timeToFirstTokenMs: first.timeIntervalSince(s.arrival) * 1000,
            decodeTokensPerSecond: s.generated.count > 1 ? Double(s.generated.count - 1) / max(decodeSeconds, 1e-9) : 0,
            totalMs: now.timeIntervalSince(s.arrival) * 1000)
        return .finished(id, reason, usage, timings)
    }
}
