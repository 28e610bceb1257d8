import Hummingbird
import LoomProtocol

/// Turns the replies of one streamed request into SSE events in OpenAI's chunk format: content
/// deltas, then the chunk with the finish reason, then usage in a chunk of its own if `UsageReporting` says so; a failure
/// becomes an `{"error":…}` event. The caller ends the stream with `data: [DONE]`.
struct ChunkEncoder {
    let kind: CompletionKind
    let id: String
    let created: Int
    let model: String
    let usage: UsageReporting
    /// The first chat chunk carries the assistant role.
    private var roleSent = false
    /// Unicode scalars of the tokens reported so far: where the next token's `text_offset` is.
    private var textOffset = 0
    /// The choice's index (`n` > 1).
    let index: Int
    /// `echo`: the prompt, sent before the first generated text and then cleared.
    private var echo: String?
    /// Reads tool calls out of the text, when the request offered tools.
    private var toolCalls: ToolCallParser?
    /// Tool calls streamed so far: the next one's `index`.
    private var callsSent = 0
    /// Unicode scalars of the prompt tokens reported so far (`echo` with `logprobs`).
    private var promptOffset = 0
    private var promptEntriesSent = false

    init(
        kind: CompletionKind, id: String, created: Int, model: String, usage: UsageReporting, index: Int = 0, echo: String? = nil,
        toolNames: Set<String> = []
    ) {
        self.kind = kind
        self.id = id
        self.created = created
        self.model = model
        self.usage = usage
        self.index = index
        self.echo = echo
        if kind == .chat && !toolNames.isEmpty { toolCalls = ToolCallParser(toolNames: toolNames, incremental: true) }
        // Generated tokens' offsets continue past the echoed prompt.
        textOffset = echo?.unicodeScalars.count ?? 0
    }

    mutating func events(for event: GenerationStream.Event) -> [ByteBuffer] {
        switch event {
        case .partial(let partial) where toolCalls != nil:
            let outputs = toolCalls!.feed(partial.text)
            return chatEvents(outputs, logprobs: logprobs(partial.logprobs))
        case .partial(let partial):
            // Text can lag tokens (docs/protocol.md, 4.4): an empty delta says nothing, unless it
            // has the log-probabilities of its tokens.
            guard !partial.text.isEmpty || !partial.logprobs.isEmpty || !partial.promptLogprobs.isEmpty
                || (kind == .chat && !roleSent) || echo != nil
            else { return [] }
            defer { echo = nil }
            let document = partial.promptLogprobs.isEmpty ? logprobs(partial.logprobs) : promptLogprobs(partial.promptLogprobs)
            return [JSONBody.event(chunk(content: (echo ?? "") + partial.text, finishReason: nil, logprobs: document))]
        case .final(let final) where final.finishReason == .deadline:
            return [JSONBody.event(APIError.Body(error: APIError(.timeout, "the request's deadline passed at the worker")))]
        case .final(let final):
            var events: [ByteBuffer] = []
            var reason = final.finishReason.openAIName
            if toolCalls != nil {
                // What the parser held back, and `tool_calls` as the reason when it found calls.
                events += chatEvents(toolCalls!.finish(), logprobs: nil)
                reason = ToolCallParser.finishReason(reason, calls: toolCalls!.callCount)
            }
            if let echo {
                events.append(JSONBody.event(chunk(content: echo, finishReason: nil)))
                self.echo = nil
            }
            events.append(JSONBody.event(chunk(content: nil, finishReason: reason)))
            if usage == .separateChunk {
                events.append(JSONBody.event(CompletionDocument(
                    id: id, object: kind.chunkObject, created: created, model: model, choices: [], usage: UsageBody(final.usage))))
            }
            return events
        case .error(let error):
            return [JSONBody.event(APIError.Body(error: APIError(error)))]
        }
    }

    /// The prompt's entries of one PARTIAL (`echo` with `logprobs`), the first of all without a logprob.
    private mutating func promptLogprobs(_ entries: [TokenLogprob]) -> LogprobsDocument {
        defer {
            promptOffset += LogprobsDocument.scalarCount(entries)
            promptEntriesSent = true
        }
        return .echoed(prompt: entries, promptOffset: promptOffset, startsPrompt: !promptEntriesSent, generated: [], textOffset: textOffset)
    }

    private mutating func logprobs(_ entries: [TokenLogprob]) -> LogprobsDocument? {
        guard !entries.isEmpty else { return nil }
        switch kind {
        case .chat:
            return .chat(entries)
        case .text:
            defer { textOffset += LogprobsDocument.scalarCount(entries) }
            return .text(entries, textOffset: textOffset)
        }
    }

    /// Chat chunks for what the tool-call parser gave out: content deltas, and each call as OpenAI
    /// streams one (its id, type and name, then its arguments). The first chunk carries the role and
    /// `logprobs`, sent even when the parser holds the text back, so entries follow their tokens.
    private mutating func chatEvents(
        _ outputs: [ToolCallParser.Output], logprobs: LogprobsDocument?
    ) -> [ByteBuffer] {
        var events: [ByteBuffer] = []
        var logprobs = logprobs
        if outputs.isEmpty && (logprobs != nil || !roleSent) {
            events.append(JSONBody.event(chunk(content: nil, finishReason: nil, logprobs: logprobs)))
            logprobs = nil
        }
        // A call read whole goes out as a streamed one does: its start, then its arguments.
        let pieces = outputs.flatMap { output -> [ToolCallParser.Output] in
            guard case .call(let call) = output else { return [output] }
            return [.callStart(id: call.id, name: call.name), .callArguments(call.arguments)]
        }
        for output in pieces {
            switch output {
            case .content(let text):
                events.append(JSONBody.event(chunk(content: text, finishReason: nil, logprobs: logprobs)))
            case .call:
                preconditionFailure("calls were split into their start and arguments above")
            case .callStart(let id, let name):
                events.append(JSONBody.event(chunk(
                    content: nil, finishReason: nil, logprobs: logprobs,
                    toolCalls: [.init(index: callsSent, id: id, name: name, arguments: "")])))
                callsSent += 1
            case .callArguments(let piece):
                events.append(JSONBody.event(chunk(
                    content: nil, finishReason: nil, logprobs: logprobs, toolCalls: [.init(index: callsSent - 1, arguments: piece)])))
            }
            logprobs = nil
        }
        return events
    }

    private mutating func chunk(
        content: String?, finishReason: String?, logprobs: LogprobsDocument? = nil, toolCalls: [CompletionDocument.ToolCallDelta] = []
    ) -> CompletionDocument {
        let body: CompletionDocument.Choice.Body
        switch kind {
        case .chat:
            body = .delta(role: roleSent ? nil : "assistant", content: content, toolCalls: toolCalls)
            roleSent = true
        case .text:
            body = .text(content ?? "")
        }
        return CompletionDocument(
            id: id, object: kind.chunkObject, created: created, model: model,
            choices: [CompletionDocument.Choice(body: body, finishReason: finishReason, logprobs: logprobs, index: index)], usage: nil)
    }
}
