import Foundation
import Hummingbird
import LoomProtocol
import NIOCore

/// Runs one generation for an OpenAI endpoint and answers it: as SSE when streaming, else as one
/// document. Errors that come before any token get their own HTTP status (429, 404, 503…), even
/// for a streaming request, since no header has been sent yet.
struct CompletionResponder: Sendable {
    let relay: SocketRelay
    let kind: CompletionKind

    /// `n` choices, each its own wire request; with `echo`, each choice's text begins with it.
    func respond(
        to request: GenerationRequest, choices n: Int = 1, echo: String? = nil, streaming: Bool, usage: UsageReporting
    ) async -> Response {
        guard n == 1 else { return await respondWithChoices(to: request, choices: n, echo: echo, streaming: streaming, usage: usage) }
        let replies = relay.submit(request)
        var iterator = replies.makeAsyncIterator()
        guard let first = await iterator.next() else {
            return APIError(.internal, "the controller ended the request without an answer").response
        }
        if case .error(let error) = first { return APIError(error).response }
        let id = kind.idPrefix + Self.randomHex() + Self.randomHex()
        let created = Int(Date().timeIntervalSince1970)
        guard streaming else {
            return await whole(
                first, then: &iterator, id: id, created: created, model: request.model, asked: request.sampling.logprobs != nil,
                echo: echo, toolNames: request.callableToolNames)
        }
        let encoder = ChunkEncoder(
            kind: kind, id: id, created: created, model: request.model, usage: usage, echo: echo, toolNames: request.callableToolNames)
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                var encoder = encoder
                try await writer.write(contentsOf: encoder.events(for: first))
                if !first.isEnd {
                    // A write to a client that went away throws: `replies` is then dropped, which
                    // cancels the request at its worker.
                    for await event in replies {
                        try await writer.write(contentsOf: encoder.events(for: event))
                    }
                }
                try await writer.write(JSONBody.done)
                try await writer.finish(nil)
            })
    }

    /// Collects the deltas into one completion; a failure after some text reports that text.
    private func whole(
        _ first: GenerationStream.Event, then iterator: inout GenerationStream.Iterator, id: String, created: Int,
        model: String, asked: Bool, echo: String?, toolNames: Set<String>
    ) async -> Response {
        var text = echo ?? ""
        var logprobs: [TokenLogprob] = []
        var prompt: [TokenLogprob] = []
        var event = first
        while true {
            switch event {
            case .partial(let partial):
                text += partial.text
                logprobs += partial.logprobs
                prompt += partial.promptLogprobs
            case .final(let final) where final.finishReason == .deadline:
                return APIError(.timeout, "the request's deadline passed at the worker", partialOutput: text).response
            case .final(let final):
                let (body, reason) = kind.body(text, reason: final.finishReason.openAIName, toolNames: toolNames)
                let document: LogprobsDocument? = asked ? Self.document(kind, prompt: prompt, generated: logprobs, echo: echo) : nil
                return JSONBody.response(CompletionDocument(
                    id: id, object: kind.object, created: created, model: model,
                    choices: [CompletionDocument.Choice(body: body, finishReason: reason, logprobs: document)],
                    usage: UsageBody(final.usage)))
            case .error(let error):
                return APIError(error, partialOutput: text.isEmpty ? nil : text).response
            }
            event = await iterator.next() ?? .error(RequestError(requestId: id, code: .internal, message: "the reply stream ended early"))
        }
    }

    /// A whole choice's `logprobs`: with `echo`, the prompt's entries (if any came) before the
    /// generated ones, whose offsets then start past the prompt.
    static func document(_ kind: CompletionKind, prompt: [TokenLogprob], generated: [TokenLogprob], echo: String?) -> LogprobsDocument {
        switch kind {
        case .chat: .chat(generated)
        case .text:
            .echoed(prompt: prompt, promptOffset: 0, startsPrompt: true, generated: generated, textOffset: echo?.unicodeScalars.count ?? 0)
        }
    }

    static func randomHex() -> String {
        let hex = String(UInt64.random(in: .min ... .max), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension GenerationRequest {
    /// The tools whose calls the answer may hold: none with `tool_choice: none`.
    var callableToolNames: Set<String> { toolChoice == .none ? [] : Set(tools.map(\.name)) }
}

extension CompletionKind {
    /// A whole answer as its choice's body: for chat, with the calls of `toolNames` read out of it,
    /// and the finish reason that says so.
    func body(_ text: String, reason: String, toolNames: Set<String>) -> (CompletionDocument.Choice.Body, String) {
        guard self == .chat else { return (.text(text), reason) }
        guard !toolNames.isEmpty else { return (.message(text), reason) }
        let (content, calls) = ToolCallParser.split(text, toolNames: toolNames)
        return (.message(content, toolCalls: calls), ToolCallParser.finishReason(reason, calls: calls.count))
    }
}

extension GenerationStream.Event {
    /// FINAL or ERROR: nothing follows.
    var isEnd: Bool {
        if case .partial = self { return false }
        return true
    }
}

/// Watches a client's connection while its request runs: the first handler of the pipeline, it
/// sees the connection's input close (the client hung up: the server allows half-closure, so a
/// peer's FIN arrives as `inputClosed`, not as a closed channel) or the connection close, and
/// calls `onHangUp`. An HTTP/1.1 client does not half-close a connection while it waits for its
/// answer, so either means the client is gone.
final class HangUpWatch: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny

    private let onHangUp: @Sendable () -> Void

    init(onHangUp: @escaping @Sendable () -> Void) {
        self.onHangUp = onHangUp
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed? = event as? ChannelEvent { onHangUp() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        onHangUp()
        context.fireChannelInactive()
    }

    /// Runs `work` in a task of its own that is cancelled when the client leaves `connection` (or
    /// when the caller is cancelled). A cancelled wait on a `GenerationStream` drops it, which sends
    /// CANCEL to the request's worker. A streamed body written after `work` returns needs no watch:
    /// its first write to a closed connection throws.
    static func cancelling<Result: Sendable>(
        on connection: any Channel, _ work: @escaping @Sendable () async -> Result
    ) async -> Result {
        let task = Task { await work() }
        let watch = HangUpWatch { task.cancel() }
        do {
            try await connection.pipeline.addHandler(watch, position: .first).get()
        } catch {
            task.cancel()  // The connection closed already.
        }
        let result = await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
        try? await connection.pipeline.removeHandler(watch).get()
        return result
    }
}
