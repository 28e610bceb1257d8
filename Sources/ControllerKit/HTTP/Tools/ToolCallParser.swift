/// Reads tool calls out of an answer as it streams, in both syntaxes the worker's templates teach:
/// Hermes `<tool_call>{"name": …, "arguments": {…}}</tool_call>` blocks (an object or a list of them)
/// anywhere in the text, and Llama 3.1's answer that is one `{"name": …, "parameters": {…}}` object.
/// Text outside calls passes through as content, held back only while it may still turn out to be
/// the start of a call. A block that does not parse, or names a tool the request did not offer,
/// stays content: nothing the model wrote is lost.
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

    init(toolNames: Set<String>) {
        self.toolNames = toolNames
    }

    mutating func feed(_ text: String) -> [Output] {
        pending += text
        var outputs: [Output] = []
        while true {
            if bareJSON { return outputs }
            if inBlock {
                guard let end = pending.range(of: Self.close) else { return outputs }
                outputs += block(pending[..<end.lowerBound])
                pending = String(pending[end.upperBound...])
                inBlock = false
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

    /// The end of the answer: what was held back, as calls or content.
    mutating func finish() -> [Output] {
        defer { pending = "" }
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
