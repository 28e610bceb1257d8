import Engine
import Foundation
import Grammar
import LoomProtocol

/// The executor of continuous batching: drives the `Scheduler` and runs each step it plans as one
/// forward pass of the model over every sequence's tokens. Serving and `loom-worker generate` (one
/// sequence) both run through it. Owned by one compute thread; nothing here blocks on I/O.
///
/// A step runs in phases, each a function below that a test can drive on its own:
/// plan (deadlines, the scheduler's plan, the KV pool's changes) → assemble (the flat decoder batch)
/// → forward → sample (one token per sequence that wanted logits) → emit (text deltas and endings,
/// through each sequence's `CompletionStream`) → retire (finished sequences free their KV).
///
/// Images come with a request as pixels (decoded and preprocessed off this thread). They wait in a
/// `VisionQueue`, and each step runs the vision tower for the seconds the scheduler plans
/// (`StepPlan.visionSeconds`) before its forward: slices of one pass over up to `maxBatch` images of
/// any requests. A request is admitted once its images are encoded.
public final class BatchExecutor {
    public let model: LlamaModel
    public let tokenizer: Tokenizer
    public private(set) var scheduler: Scheduler
    let kv: KVCache
    private var sequences: [RequestID: Sequence] = [:]
    private var batch = DecoderBatch()
    private let scratch: SamplerScratch
    private let grammarScratch: GrammarScratch
    /// Which sequence owns each logits row of the current step.
    private var logitOwners: [RequestID] = []
    /// Sequences of the current step that report their prompt's log-probabilities: their items and
    /// the batch row of the first.
    private var promptLogprobRows: [(id: RequestID, items: Range<Int>, firstRow: Int)] = []
    private var throughput = ThroughputWindow()
    /// What steps cost, learnt from timing them: the scheduler sizes steps by it.
    private var costs: StepCostEstimator
    /// Sees every logits row before it is sampled: for tests that compare numbers, not only tokens.
    var observeLogits: ((RequestID, UnsafeBufferPointer<Float>) -> Void)?
    /// The vision tower for requests' images, and the embedding cache their rows go to.
    public var images: ImageEmbedder?
    private var visionQueue = VisionQueue()
    /// Images encoded and wall seconds spent encoding, since the executor started.
    public private(set) var imagesEncoded = 0
    public private(set) var imageEncodeSeconds = 0.0
    /// Images waiting for the tower or in its pass.
    public var imageQueueDepth: Int { visionQueue.depth }

    /// One request as the executor sees it: prompt items (tokens, or embedding rows for image
    /// positions), how to sample, when to stop, and an optional deadline.
    public struct Request: Sendable {
        public var id: RequestID
        public var prompt: [PromptItem]
        /// The images among the prompt's embedding rows. Rows no span covers keep the request out of
        /// the prefix cache: without a key they cannot be compared.
        public var images: [ImageSpan]
        /// Images whose rows the prompt holds empty, with their pixels: encoded in the step loop,
        /// unless the prefix cache holds their positions when the request is submitted.
        public var pending: [PendingImage]
        public var sampling: SamplerSettings
        public var stop: StopConditions
        public var deadline: Date?
        /// Where the answer must follow a grammar (structured output, a required tool call): its
        /// matcher at the start of the answer.
        public var grammar: GrammarMatcher?

        public init(id: RequestID, prompt: [PromptItem], images: [ImageSpan] = [], pending: [PendingImage] = [],
                    sampling: SamplerSettings, stop: StopConditions, deadline: Date? = nil, grammar: GrammarMatcher? = nil) {
            self.id = id
            self.prompt = prompt
            self.images = images
            self.pending = pending
            self.sampling = sampling
            self.stop = stop
            self.deadline = deadline
            self.grammar = grammar
        }

        public var imagePositions: Int { images.positionCount }

        /// One `ItemKey` per prompt item, or `nil` if an embedding row belongs to no image span.
        var itemKeys: [UInt64]? { ItemKey.keys(prompt, images: images) }
    }

    public enum Event: Sendable, Equatable {
        /// `logprobs`: empty unless the request asked; then one per token of `tokens`.
        case delta(RequestID, text: String, tokens: [Int32], completionTokens: Int, logprobs: [TokenLogprobs])
        /// Prompt tokens' log-probabilities (`SamplerSettings.promptLogprobs`), in prompt order, one
        /// step's chunk at a time, before the first token's delta. The prompt's first token has none:
        /// its entry (first of the first such event) has logprob 0 and no top list.
        case promptLogprobs(RequestID, [TokenLogprobs])
        case finished(RequestID, FinishReason, Usage, Timings)
        case refused(RequestID, SubmitRefusal)
        /// The worker could not go on with this sequence (its KV could not be placed); it is gone.
        case failed(RequestID, String)
    }

    private struct Sequence {
        let request: Request
        var items: [PromptItem]
        /// Images a cached prefix covered at submission, not encoded: encoded if a step must feed
        /// their positions after all (the prefix was evicted before admission).
        var deferred: [PendingImage]
        /// Images still in the vision queue; admitted once none is.
        var imagesLeft = 0
        var imagesStarted: Date?
        var imagesEncoded: Date?
        var sampler: Sampler
        /// Where the output stands in its grammar, if it has one.
        var grammar: GrammarMatcher?
        var output: CompletionStream
        let arrival: Date
        var admitted: Date?
        var firstToken: Date?
        /// The log-probabilities of the token sampled this step, when the request asked for them.
        var sampledLogprobs: TokenLogprobs?
        /// The grammar allowed no token at all this step (or refused the one its mask allowed).
        var grammarDeadEnd = false
        /// Prompt tokens whose log-probabilities were reported (a recomputed prompt reports none twice).
        var promptLogprobsSent = 0
    }

    /// Builds the KV pool from `config.kv`. Throws when the model was built for smaller steps than
    /// the scheduler plans, or the layout is another model's: a sizing mismatch stops the worker at
    /// start, never mid-request.
    public init(model: LlamaModel, tokenizer: Tokenizer, config: SchedulerConfig) throws {
        guard config.maxBatchTokens <= model.maxBatchTokens, config.maxRunning <= model.maxLogitRows else {
            throw BatchExecutorError.modelTooSmall(
                planned: (config.maxBatchTokens, config.maxRunning), built: (model.maxBatchTokens, model.maxLogitRows))
        }
        self.model = model
        self.tokenizer = tokenizer
        scheduler = Scheduler(config: config)
        costs = StepCostEstimator(guess: .estimate(for: model.config))
        scheduler.stepCost = costs.current
        kv = try KVCache(layout: config.kv, config: model.config, slots: config.maxRunning)
        scratch = SamplerScratch(vocabularySize: model.config.vocabSize)
        grammarScratch = GrammarScratch(vocabularySize: model.config.vocabSize)
    }

    public var hasWork: Bool { !sequences.isEmpty }
    public var kvBlocksUsed: Int { scheduler.blocksUsed }
    public var kvBlocksTotal: Int { kv.blockCount }

    /// Generated tokens per second over the last 10 s.
    public func recentTokensPerSecond(now: Date = Date()) -> Double { throughput.rate(now: now) }

    /// Queues a request; a refusal comes back at once as an event. Its pending images go to the
    /// vision queue, but for those a cached prefix covers now: the prefix cache is asked first.
    public func submit(_ request: Request, now: Date = Date()) -> Event? {
        let room = model.config.contextLength - request.prompt.count
        let output = CompletionStream(tokenizer: tokenizer, conditions: request.stop, maxTokens: max(room, 1))
        // The prompt's log-probabilities need logits at every position: such a request computes its
        // whole prompt, out of the prefix cache.
        let keys = request.sampling.promptLogprobs ? nil : request.itemKeys
        let cached = request.pending.isEmpty ? 0 : keys.map(scheduler.cachedPositions) ?? 0
        let covered = request.pending.filter { $0.span.positions.upperBound <= cached }
        let toEncode = request.pending.filter { $0.span.positions.upperBound > cached }
        if !toEncode.isEmpty, images == nil {
            return .failed(request.id, "the prompt has images and this worker has no vision model")
        }
        if case .refused(let why) = scheduler.submit(
            id: request.id, promptLength: request.prompt.count, maxTokens: output.maxTokens, keys: keys,
            awaitingImages: !toEncode.isEmpty)
        {
            return .refused(request.id, why)
        }
        for image in toEncode { visionQueue.add(image, for: request.id) }
        sequences[request.id] = Sequence(
            request: request, items: request.prompt, deferred: covered, imagesLeft: toEncode.count,
            sampler: Sampler(request.sampling, prompt: request.prompt.compactMap(\.token)), grammar: request.grammar,
            output: output, arrival: now)
        return nil
    }

    /// Ends a request early; its KV blocks are free when this returns.
    public func cancel(_ id: RequestID, reason: FinishReason = .cancelled, now: Date = Date()) -> Event? {
        retire(id, reason, now: now)
    }

    /// Runs one step and returns what it produced: deltas, then endings.
    public func step(now: Date = Date()) -> [Event] {
        var events = expireDeadlines(now: now)
        let plan = plan(now: now, events: &events)
        if plan.visionSeconds > 0 { runVision(seconds: plan.visionSeconds, events: &events) }
        guard !plan.entries.isEmpty else { return events }
        let started = ContinuousClock.now
        assemble(plan)
        let logits = model.forward(batch, kv: kv)
        let sampled = sample(logits)
        reportPromptLogprobs(into: &events)
        learnCost(of: plan, took: ContinuousClock.now - started)
        let finishedAt = Date()
        let endings = emit(sampled, at: finishedAt, into: &events)
        for (id, reason) in endings {
            if let event = retire(id, reason, now: finishedAt) { events.append(event) }
        }
        return events
    }

    // MARK: Phases

    func expireDeadlines(now: Date) -> [Event] {
        let expired = sequences.filter { $0.value.request.deadline.map { $0 <= now } == true }.keys
        return expired.compactMap { retire($0, .deadline, now: now) }
    }

    /// The scheduler's plan for this step, with its KV changes applied. A sequence whose blocks cannot
    /// be placed fails alone (the scheduler and the pool share one layout, so this is a defect, not a
    /// state a request can reach) and leaves the plan.
    func plan(now: Date, events: inout [Event]) -> StepPlan {
        var plan = scheduler.planStep()
        let unplaced = apply(plan.kvActions)
        for admission in plan.admitted where sequences[admission.id]?.admitted == nil {
            sequences[admission.id]?.admitted = now
        }
        for entry in plan.entries where unplaced.contains(entry.slot) {
            _ = retire(entry.id, .cancelled, now: now)
            events.append(.failed(entry.id, "the KV pool could not hold the sequence's \(entry.items.upperBound) positions"))
        }
        plan.entries.removeAll { unplaced.contains($0.slot) }
        for entry in plan.entries where sequences[entry.id]?.deferred.isEmpty == false {
            if let failure = encodeDeferred(entry) {
                _ = retire(entry.id, .cancelled, now: now)
                events.append(.failed(entry.id, failure))
            }
        }
        plan.entries.removeAll { sequences[$0.id] == nil }
        return plan
    }

    /// Makes the scheduler's KV changes in the cache, in order; returns the slots whose change failed
    /// (a defect: the scheduler names only blocks and slots of the cache's own layout).
    private func apply(_ actions: [KVAction]) -> [Int] {
        var failed: [Int] = []
        for action in actions {
            switch action {
            case .append(let slot, let blocks):
                if !kv.append(slot: slot, blocks: blocks) { failed.append(slot) }
            case .release(let slot):
                kv.release(slot: slot)
            case .replace(let slot, let index, let block):
                if !kv.replace(slot: slot, index: index, block: block) { failed.append(slot) }
            case .copy(let source, let target, let rows):
                _ = kv.copy(from: source, to: target, rows: rows)
            }
        }
        return failed
    }

    /// Runs the vision tower for about `seconds`: slices of the pass in flight, and new passes over
    /// the oldest waiting images while time is left. Rows of a finished pass go to their requests'
    /// prompts and the embedding cache; a request whose last image is done may be admitted.
    private func runVision(seconds: Double, events: inout [Event]) {
        guard let images else { return }
        let encoder = images.encoder
        let started = ContinuousClock.now
        var left = seconds
        while left > 0 {
            if !encoder.isEncoding {
                guard !visionQueue.waiting.isEmpty else { break }
                let pixels = visionQueue.startPass(limit: encoder.maxBatch)
                do {
                    try encoder.begin(pixels)
                } catch {
                    // The preprocessor makes the tower's size: a defect, failed alone.
                    for job in visionQueue.finishPass() {
                        for owner in job.owners where retire(owner.id, .cancelled, now: Date()) != nil {
                            events.append(.failed(owner.id, "image \(error)"))
                        }
                    }
                    continue
                }
                let at = Date()
                for job in visionQueue.inFlight {
                    for owner in job.owners where sequences[owner.id]?.imagesStarted == nil { sequences[owner.id]?.imagesStarted = at }
                }
            }
            let sliceStart = ContinuousClock.now
            let slice = encoder.advance(seconds: left)
            left -= (ContinuousClock.now - sliceStart).seconds
            if slice.finished { completePass(images) }
        }
        imageEncodeSeconds += (ContinuousClock.now - started).seconds
    }

    /// Takes the finished pass's rows into their owners' prompts and the embedding cache.
    private func completePass(_ images: ImageEmbedder) {
        let rows = images.encoder.takeEmbeddings()
        let jobs = visionQueue.finishPass()
        let at = Date()
        var ready: [RequestID] = []
        for (job, flat) in zip(jobs, rows) {
            images.input.remember(flat, for: job.key)
            for owner in job.owners {
                update(owner.id) { s in
                    s.items.place(flat, at: owner.span, width: images.width)
                    s.imagesLeft -= 1
                    if s.imagesLeft == 0 {
                        s.imagesEncoded = at
                        ready.append(owner.id)
                    }
                }
            }
        }
        imagesEncoded += jobs.count
        for id in ready { scheduler.imagesEncoded(id) }
    }

    /// Encodes the sequence's deferred images that the entry feeds positions of (their cached prefix
    /// was evicted between submission and admission): the rare path, at once, after finishing the
    /// pass in flight. Returns what went wrong, if anything.
    private func encodeDeferred(_ entry: StepEntry) -> String? {
        guard let s = sequences[entry.id] else { return nil }
        let due = s.deferred.filter { $0.span.positions.upperBound > entry.items.lowerBound }
        guard !due.isEmpty else { return nil }
        guard let images else { return "the prompt's images were not encoded and this worker has no vision model" }
        if images.encoder.isEncoding {
            _ = images.encoder.advance(flops: .infinity)
            completePass(images)
        }
        let rows: [[Float]]
        do {
            rows = try images.encoder.encode(due.map(\.pixels))
        } catch {
            return "image \(error)"
        }
        update(entry.id) { s in
            for (image, flat) in zip(due, rows) {
                s.items.place(flat, at: image.span, width: images.width)
                images.input.remember(flat, for: image.span.key)
            }
            s.deferred.removeAll { image in due.contains { $0.span == image.span } }
        }
        return nil
    }

    /// With no request left, gives back the memory of the KV blocks nobody uses (free, not cached), so
    /// that a worker's memory returns to its warm level when a load ends; pages never written cost
    /// nothing to give back. The prefix cache's blocks stay: they are what it keeps, within the pool.
    public func releaseIdleMemory() {
        guard sequences.isEmpty else { return }
        kv.discard(scheduler.pool.unusedBlocks)
    }

    /// Leading prompt positions with these item keys the prefix cache holds now.
    public func cachedPositions(_ keys: [UInt64]) -> Int { scheduler.cachedPositions(keys) }

    /// Lays the planned items of every sequence into one flat decoder batch, and notes which sequence
    /// owns each row of logits.
    func assemble(_ plan: StepPlan) {
        batch.removeAll()
        logitOwners.removeAll(keepingCapacity: true)
        promptLogprobRows.removeAll(keepingCapacity: true)
        for entry in plan.entries {
            guard let s = sequences[entry.id] else { continue }
            let promptLength = s.request.prompt.count
            if s.request.sampling.promptLogprobs, entry.items.lowerBound < promptLength {
                promptLogprobRows.append((entry.id, entry.items, batch.count))
            }
            for i in entry.items {
                let wants = entry.wantsLogits && i == entry.items.upperBound - 1
                switch s.items[i] {
                case .token(let t): batch.append(token: t, position: i, slot: entry.slot, promptLength: promptLength, logits: wants)
                case .embedding(let row): batch.append(embedding: row, position: i, slot: entry.slot, promptLength: promptLength, logits: wants)
                }
            }
            if entry.wantsLogits { logitOwners.append(entry.id) }
        }
    }

    /// One token for every sequence that wanted logits, each with its own sampler; a sequence with a
    /// grammar samples from its row masked to the tokens the grammar allows next, in the same step
    /// as the free ones.
    func sample(_ logits: UnsafeBufferPointer<Float>) -> [(RequestID, Int32)] {
        let vocab = model.config.vocabSize
        return logitOwners.enumerated().compactMap { row, id in
            let rowLogits = UnsafeBufferPointer(rebasing: logits[row * vocab..<(row + 1) * vocab])
            observeLogits?(id, rowLogits)
            return update(id) { s in
                var candidates = rowLogits
                if let grammar = s.grammar {
                    grammar.fillMask(grammarScratch.mask)
                    let masked = UnsafeMutableBufferPointer(rebasing: grammarScratch.masked[..<vocab])
                    guard GrammarMask.apply(UnsafeBufferPointer(grammarScratch.mask), to: rowLogits, into: masked) else {
                        // No token can go on: the output ends here (`emit` sees the dead grammar).
                        s.grammarDeadEnd = true
                        return (id, -1)
                    }
                    candidates = UnsafeBufferPointer(masked)
                }
                let token = s.sampler.sample(candidates, scratch: scratch)
                // The mask allows only what the matcher accepts; should the two ever disagree, the
                // output ends where it still follows its grammar rather than leave it.
                if s.grammar != nil, !s.grammar!.accept(token) {
                    s.grammarDeadEnd = true
                    return (id, -1)
                }
                s.sampler.accept(token)
                // Only a request that asks pays: one pass for the normaliser, one for its top tokens.
                s.sampledLogprobs = s.request.sampling.logprobs.map { TokenLogprobs(token: token, logits: rowLogits, top: $0) }
                return (id, token)
            }
        }
    }

    /// The log-probabilities of the prompt tokens this step's rows predict: row i (position i) gives
    /// token i + 1's, so a chunk reports the tokens after each of its positions, and the first chunk
    /// the prompt's first token too, without one. Only for the sequences that asked; the rows go
    /// through the output head after sampling, `maxLogitRows` at a time.
    func reportPromptLogprobs(into events: inout [Event]) {
        for (id, items, firstRow) in promptLogprobRows {
            guard let s = sequences[id] else { continue }
            let prompt = s.request.prompt, top = s.request.sampling.logprobs ?? 0
            var entries: [TokenLogprobs] = []
            if items.lowerBound == 0, s.promptLogprobsSent == 0, let first = prompt.first?.token {
                entries.append(TokenLogprobs(token: first, logprob: 0, top: []))
            }
            let positions = items.filter { $0 + 1 < prompt.count && $0 + 1 >= max(s.promptLogprobsSent, 1) }
            let tokens = positions.map { prompt[$0 + 1].token ?? -1 }
            model.logits(ofRows: positions.map { Int32(firstRow + $0 - items.lowerBound) }) { index, logits in
                entries.append(TokenLogprobs(token: tokens[index], logits: logits, top: top))
            }
            guard !entries.isEmpty else { continue }
            _ = update(id) { $0.promptLogprobsSent = positions.last.map { $0 + 2 } ?? 1 }
            events.append(.promptLogprobs(id, entries))
        }
    }

    /// Turns the sampled tokens into deltas; returns the sequences whose output ended.
    func emit(_ sampled: [(RequestID, Int32)], at time: Date, into events: inout [Event]) -> [(RequestID, FinishReason)] {
        var endings: [(RequestID, FinishReason)] = []
        for (id, token) in sampled {
            update(id) { s in
                if s.grammarDeadEnd {
                    let text = s.output.completeGrammar()
                    if !text.isEmpty { events.append(.delta(id, text: text, tokens: [], completionTokens: s.output.tokenCount, logprobs: [])) }
                    endings.append((id, .stop))
                    return
                }
                var delta = s.output.append(token)
                // Nothing but the end can follow: end now rather than spend a step on it.
                if delta.ending == nil, s.grammar?.isExhausted == true {
                    delta.text += s.output.completeGrammar()
                    delta.ending = .grammarComplete
                }
                if let token = delta.token {
                    s.items.append(.token(token))
                    if s.firstToken == nil { s.firstToken = time }
                }
                if delta.token != nil || !delta.text.isEmpty {
                    let logprobs = delta.token != nil ? s.sampledLogprobs.map { [$0] } ?? [] : []
                    events.append(.delta(id, text: delta.text, tokens: delta.token.map { [$0] } ?? [], completionTokens: s.output.tokenCount, logprobs: logprobs))
                }
                if let ending = delta.ending { endings.append((id, FinishReason(ending))) }
            }
        }
        // A block computed twice is swapped for the cached copy: the same KV.
        // A grammar's dead end sampled no token (-1): its sequence ends without one.
        _ = apply(scheduler.completeStep(sampled: sampled.filter { $0.1 >= 0 }.map { (id: $0.0, token: $0.1) }))
        throughput.record(sampled.count, at: time)
        return endings
    }

    /// Refines what the scheduler believes steps cost with the one just run.
    private func learnCost(of plan: StepPlan, took duration: Duration) {
        let attended = plan.entries.reduce(0.0) { $0 + StepCost.attendedPositions(count: $1.items.count, after: $1.items.lowerBound) }
        costs.record(items: plan.tokenCount, logitRows: logitOwners.count, attendedPositions: attended,
                     seconds: duration.seconds)
        scheduler.stepCost = costs.current
    }

    /// Changes a sequence in place: a copy taken out of the dictionary would copy its items (the
    /// whole prompt) on the first append.
    private func update<Result>(_ id: RequestID, _ body: (inout Sequence) -> Result) -> Result? {
        guard sequences[id] != nil else { return nil }
        return body(&sequences[id]!)
    }

    func retire(_ id: RequestID, _ reason: FinishReason, now: Date) -> Event? {
        guard let s = sequences.removeValue(forKey: id) else { return nil }
        if visionQueue.remove(id) {
            // Nobody wants the pass in flight any more.
            images?.encoder.abandonPass()
            visionQueue.dropPass()
        }
        let cached = scheduler.state(of: id)?.cachedPositions ?? 0
        _ = apply(scheduler.finish(id))
        let admitted = s.admitted ?? now
        let first = s.firstToken ?? now
        let generated = s.output.tokenCount
        let usage = Usage(promptTokens: s.request.prompt.count - s.request.imagePositions,
                          imageTokens: s.request.imagePositions, completionTokens: generated,
                          cachedTokens: cached)
        let timings = Timings(
            queueMs: admitted.timeIntervalSince(s.arrival) * 1000,
            timeToFirstTokenMs: first.timeIntervalSince(s.arrival) * 1000,
            decodeTokensPerSecond: generated > 1 ? Double(generated - 1) / max(now.timeIntervalSince(first), 1e-9) : 0,
            totalMs: now.timeIntervalSince(s.arrival) * 1000,
            imageQueueMs: s.imagesStarted.map { $0.timeIntervalSince(s.arrival) * 1000 } ?? 0,
            imageEncodeMs: s.imagesStarted.map { start in (s.imagesEncoded ?? now).timeIntervalSince(start) * 1000 } ?? 0)
        return .finished(id, reason, usage, timings)
    }
}

public enum BatchExecutorError: Error, CustomStringConvertible {
    case modelTooSmall(planned: (tokens: Int, sequences: Int), built: (tokens: Int, logitRows: Int))

    public var description: String {
        switch self {
        case .modelTooSmall(let planned, let built):
            "the scheduler plans steps of \(planned.tokens) tokens for \(planned.sequences) sequences; the model was built for \(built.tokens) tokens and \(built.logitRows) logit rows"
        }
    }
}
