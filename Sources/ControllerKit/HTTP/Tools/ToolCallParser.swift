/// Reads tool calls out of an answer as it streams, in both syntaxes the worker's templates teach:
/// Hermes `<tool_call>{"name": …, "arguments": {…}}</tool_call>` blocks (an object or a list of them)
/// anywhere in the text, and Llama 3.1's answer that is one `{"name": …, "parameters": {…}}` object.
/// Text outside calls passes through as content, held back only while it may still turn out to be
/// the start of a call. A block that does not parse, or names a tool the request did not offer,
/// stays content: nothing the model wrote is lost.
///
/// `incremental` (streaming): a call of the usual shape, `{"name": …, "arguments": {…}}`, is given
/// out as it is generated, as OpenAI streams calls: its start (id and name) once the name has come,
/// then its arguments piece by piece. Other shapes (a list of calls, other key orders) are read whole
/// when their block ends.
struct ToolCallParser: Sendable {
    struct Call: Equatable, Sendable {
        var id: String
        var name: String
        /// JSON text, as the model wrote it.
        var arguments: String
    }

    enum Output: Equatable, Sendable {
        case content(String)
        case call(Call)
        /// `incremental`: a call begins; its arguments follow in `callArguments` pieces.
        case callStart(id: String, name: String)
        case callArguments(String)
    }

    private static let open = "<tool_call>"
    private static let close = "</tool_call>"

    let toolNames: Set<String>
    /// Text not given out yet.
    private var pending = ""
    private var inBlock = false
    /// Content other than whitespace has been given out: a bare JSON call can no longer begin.
    private var contentStarted = false
    /// The answer began with `{`: held whole until the end, to be read as a Llama 3 call.
    private var bareJSON = false
    private(set) var callCount = 0
    let incremental: Bool
    /// The arguments of the call being streamed, once its header has come.
    private var streamed: JSONObjectEnd?
    /// The current call is not of the streamable shape: read whole at its end.
    private var readWhole = false

    init(toolNames: Set<String>, incremental: Bool = false) {
        self.toolNames = toolNames
        self.incremental = incremental
    }

    mutating func feed(_ text: String) -> [Output] {
        pending += text
        var outputs: [Output] = []
        while true {
            if bareJSON {
                _ = streamCall(into: &outputs)
                return outputs
            }
            if inBlock {
                if let goOn = streamCall(into: &outputs), !goOn { return outputs }
                if streamed != nil {
                    // The arguments are out: what is left of the block is its closing.
                    guard let end = pending.range(of: Self.close) else { return outputs }
                    pending = String(pending[end.upperBound...])
                    inBlock = false
                    streamed = nil
                    continue
                }
                guard let end = pending.range(of: Self.close) else { return outputs }
                outputs += block(pending[..<end.lowerBound])
                pending = String(pending[end.upperBound...])
                inBlock = false
                readWhole = false
                continue
            }
            if !contentStarted {
                guard let first = pending.first(where: { !$0.isWhitespace }) else { return outputs }
                if first == "{" {
                    bareJSON = true
                    continue
                }
            }
            if let start = pending.range(of: Self.open) {
                outputs += content(String(pending[..<start.lowerBound]))
                pending = String(pending[start.upperBound...])
                inBlock = true
                continue
            }
            // Keep back what could be the beginning of "<tool_call>".
            let keep = (1..<Self.open.count).reversed().first { pending.hasSuffix(Self.open.prefix($0)) } ?? 0
            outputs += content(String(pending.dropLast(keep)))
            pending = String(pending.suffix(keep))
            return outputs
        }
    }

    /// `incremental`: gives out the current call's start and as much of its arguments as has come.
    /// nil when it is not of the streamable shape (or not incremental); false when it waits for more
    /// text; true once its arguments are all out.
    private mutating func streamCall(into outputs: inout [Output]) -> Bool? {
        guard incremental, !readWhole else { return nil }
        if streamed == nil {
            switch CallHeader.match(pending[...]) {
            case .undecided:
                return false
            case .header(let name, let start) where toolNames.contains(name):
                outputs.append(.callStart(id: Self.randomID(), name: name))
                callCount += 1
                pending = String(pending[start...])
                streamed = JSONObjectEnd()
            case .header, .other:
                readWhole = true
                return nil
            }
        }
        guard !streamed!.ended else { return true }
        let end = streamed!.consume(pending[...])
        if end > pending.startIndex { outputs.append(.callArguments(String(pending[..<end]))) }
        pending = String(pending[end...])
        return streamed!.ended
    }

    /// The end of the answer: what was held back, as calls or content.
    mutating func finish() -> [Output] {
        defer { pending = "" }
        if streamed != nil {
            // A streamed call is out; what follows its arguments is its closing (or nothing, when
            // the answer was cut short).
            streamed = nil
            inBlock = false
            return []
        }
        if bareJSON {
            let calls = self.calls(in: pending[...])
            return calls.isEmpty ? [.content(pending)] : calls
        }
        if inBlock {
            // Cut short (max_tokens, a stop string): a call only if what came is whole.
            let outputs = block(pending[...])
            inBlock = false
            return outputs
        }
        return content(pending)
    }

    private mutating func content(_ text: String) -> [Output] {
        guard !text.isEmpty else { return [] }
        if text.contains(where: { !$0.isWhitespace }) { contentStarted = true }
        return [.content(text)]
    }

    private mutating func block(_ body: Substring) -> [Output] {
        let calls = self.calls(in: body)
        return calls.isEmpty ? content(Self.open + body + Self.close) : calls
    }

    /// The calls in one object or list of objects; none unless every one names an offered tool.
    private mutating func calls(in text: Substring) -> [Output] {
        let objects: [Substring]
        if let list = JSONObjectFields.elements(text) {
            objects = list
        } else {
            objects = [text]
        }
        var calls: [Call] = []
        for object in objects {
            guard let fields = JSONObjectFields.parse(object),
                  let rawName = fields.first(where: { $0.key == "name" })?.value,
                  let name = JSONObjectFields.string(rawName), toolNames.contains(name)
            else { return [] }
            let rawArguments = fields.first { $0.key == "arguments" || $0.key == "parameters" }?.value
            var arguments = rawArguments.map(String.init) ?? "{}"
            // Some models write the arguments as a string of JSON, as OpenAI sends them.
            if let rawArguments, let inner = JSONObjectFields.string(rawArguments),
               JSONObjectFields.parse(inner[...]) != nil {
                arguments = inner
            }
            guard JSONObjectFields.parse(arguments[...]) != nil else { return [] }
            calls.append(Call(id: Self.randomID(), name: name, arguments: arguments))
        }
        callCount += calls.count
        return calls.map(Output.call)
    }

    /// A whole answer: its text outside the calls (nil when there is none but whitespace), and its calls.
    static func split(_ text: String, toolNames: Set<String>) -> (content: String?, calls: [Call]) {
        var parser = ToolCallParser(toolNames: toolNames)
        var content = "", calls: [Call] = []
        for output in parser.feed(text) + parser.finish() {
            switch output {
            case .content(let piece): content += piece
            case .call(let call): calls.append(call)
            case .callStart, .callArguments: break  // not incremental
            }
        }
        let blank = !content.contains { !$0.isWhitespace }
        return (calls.isEmpty || !blank ? content : nil, calls)
    }

    /// OpenAI's finish reason for an answer that made calls: `tool_calls` where it ended by itself.
    static func finishReason(_ reason: String, calls: Int) -> String {
        calls > 0 && reason == "stop" ? "tool_calls" : reason
    }

    static func randomID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return "call_" + String((0..<24).map { _ in alphabet.randomElement()! })
    }
}
