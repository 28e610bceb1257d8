import Foundation
import Hummingbird
import LoomProtocol
import NIOCore

/// `n` > 1: one wire request per choice, each with its own seed (`ChoiceStreams.seeds`). Choice 0
/// goes first; the others follow once it has answered (its prompt computed), so the cache-aware
/// router sends them to the same worker and its prefix cache hands them the prompt's KV blocks
/// instead of each computing it again. Their replies are merged:
/// interleaved chunks with each choice's `index` when streaming, one document with n choices when
/// not. Usage counts the prompt once and sums the choices' generated tokens. A choice that fails
/// fails the request (the others are cancelled); a client that leaves cancels them all.
extension CompletionResponder {
    func respondWithChoices(
        to request: GenerationRequest, choices n: Int, echo: String?, streaming: Bool, usage: UsageReporting
    ) async -> Response {
        let seeds = ChoiceStreams.seeds(request.sampling.seed, count: n)
        func submit(_ index: Int) -> GenerationStream {
            var choice = request
            choice.sampling.seed = seeds[index]
            return relay.submit(choice)
        }
        let lead = submit(0)
        var leadReplies = lead.makeAsyncIterator()
        // Dropped (the client left), `lead` cancels choice 0 at its worker.
        guard let leadFirst = await leadReplies.next() else {
            return APIError(.internal, "the controller ended the request without an answer").response
        }
        if case .error(let error) = leadFirst { return APIError(Self.choiceError(error, index: 0)).response }
        // The same stream, read on by the merge unless it has ended.
        let merged = ChoiceStreams((leadFirst.isEnd ? [] : [(0, lead)]) + (1..<n).map { ($0, submit($0)) })
        var iterator = merged.events.makeAsyncIterator()
        // Every choice's first reply before any answer: a refusal before the first token (429, 404…)
        // is a plain HTTP error with its status, as for one choice.
        var started: Set<Int> = [0]
        var early = [ChoiceStreams.Event(index: 0, event: leadFirst)]
        while started.count < n {
            guard let next = await iterator.next() else {
                merged.cancel()
                return APIError(.cancelled, "the request was cancelled before every choice began").response
            }
            if case .error(let error) = next.event {
                merged.cancel()
                return APIError(Self.choiceError(error, index: next.index)).response
            }
            started.insert(next.index)
            early.append(next)
        }
        let id = kind.idPrefix + Self.randomHex() + Self.randomHex()
        let created = Int(Date().timeIntervalSince1970)
        guard streaming else {
            return await whole(early, then: &iterator, merged, n: n, id: id, created: created, request: request, echo: echo)
        }
        let kind = kind, firstReplies = early
        let encoders = (0..<n).map {
            ChunkEncoder(
                kind: kind, id: id, created: created, model: request.model, usage: .none, index: $0, echo: echo,
                toolNames: request.callableToolNames)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                var encoders = encoders
                var total = ChoiceUsage()
                var ended = 0
                // A write to a client that went away throws: `merged` is cancelled on the way out.
                defer { merged.cancel() }
                func handle(_ next: ChoiceStreams.Event) -> (events: [ByteBuffer], failed: Bool) {
                    switch next.event {
                    case .final(let final) where final.finishReason != .deadline:
                        total.add(final.usage)
                        ended += 1
                        return (encoders[next.index].events(for: next.event), false)
                    case .final:
                        return (encoders[next.index].events(for: next.event), true)
                    case .error(let error):
                        let event = GenerationStream.Event.error(Self.choiceError(error, index: next.index))
                        return (encoders[next.index].events(for: event), true)
                    case .partial:
                        return (encoders[next.index].events(for: next.event), false)
                    }
                }
                var failed = false
                for next in firstReplies where !failed {
                    let (events, failure) = handle(next)
                    try await writer.write(contentsOf: events)
                    failed = failure
                }
                // The same stream, read on from where the first replies were taken.
                var iterator = merged.events.makeAsyncIterator()
                while !failed, ended < n {
                    guard let next = await iterator.next() else {
                        try await writer.write(JSONBody.event(APIError.Body(error: APIError(.internal, "the choices' replies ended early"))))
                        failed = true
                        break
                    }
                    let (events, failure) = handle(next)
                    try await writer.write(contentsOf: events)
                    failed = failure
                }
                if !failed, usage == .separateChunk, let body = total.body {
                    try await writer.write(JSONBody.event(CompletionDocument(
                        id: id, object: kind.chunkObject, created: created, model: request.model, choices: [], usage: body)))
                }
                try await writer.write(JSONBody.done)
                try await writer.finish(nil)
            })
    }

    /// Collects each choice's deltas into one document with n choices.
    private func whole(
        _ early: [ChoiceStreams.Event], then iterator: inout AsyncStream<ChoiceStreams.Event>.Iterator, _ merged: ChoiceStreams,
        n: Int, id: String, created: Int, request: GenerationRequest, echo: String?
    ) async -> Response {
        defer { merged.cancel() }
        var texts = Array(repeating: echo ?? "", count: n)
        var logprobs = Array(repeating: [TokenLogprob](), count: n)
        var prompts = Array(repeating: [TokenLogprob](), count: n)
        var reasons = [String?](repeating: nil, count: n)
        var total = ChoiceUsage()
        var pending = early[...]
        var ended = 0
        while ended < n {
            let next: ChoiceStreams.Event
            if let first = pending.popFirst() {
                next = first
            } else if let arrived = await iterator.next() {
                next = arrived
            } else {
                return APIError(.cancelled, "the request was cancelled before every choice ended").response
            }
            switch next.event {
            case .partial(let partial):
                texts[next.index] += partial.text
                logprobs[next.index] += partial.logprobs
                prompts[next.index] += partial.promptLogprobs
            case .final(let final) where final.finishReason == .deadline:
                return APIError(.timeout, "choice \(next.index): the request's deadline passed at the worker").response
            case .final(let final):
                reasons[next.index] = final.finishReason.openAIName
                total.add(final.usage)
                ended += 1
            case .error(let error):
                return APIError(Self.choiceError(error, index: next.index)).response
            }
        }
        let asked = request.sampling.logprobs != nil
        let choices = (0..<n).map { index in
            let (body, reason) = kind.body(texts[index], reason: reasons[index] ?? "stop", toolNames: request.callableToolNames)
            let document: LogprobsDocument? =
                asked ? Self.document(kind, prompt: prompts[index], generated: logprobs[index], echo: echo) : nil
            return CompletionDocument.Choice(body: body, finishReason: reason, logprobs: document, index: index)
        }
        return JSONBody.response(CompletionDocument(
            id: id, object: kind.object, created: created, model: request.model, choices: choices, usage: total.body))
    }

    /// A choice's failure, saying which choice.
    static func choiceError(_ error: RequestError, index: Int) -> RequestError {
        RequestError(requestId: error.requestId, code: error.code, message: "choice \(index): \(error.message)")
    }
}

/// The usage of n choices of one prompt: the prompt (and its cached part) once, as the first choice
/// to end reports it, and every choice's generated tokens.
struct ChoiceUsage {
    private var usage: Usage?

    mutating func add(_ choice: Usage) {
        if usage == nil {
            usage = choice
        } else {
            usage!.completionTokens += choice.completionTokens
        }
    }

    var body: UsageBody? { usage.map(UsageBody.init) }
}
