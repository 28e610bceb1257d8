/// PARTIAL: what one request produced since its previous PARTIAL. A delta, never the text so far.
public struct Partial: Sendable, Equatable {
    public var requestId: String
    /// Tokens generated for the request so far, these included.
    public var completionTokens: Int
    /// The token ids generated since the previous PARTIAL.
    public var tokens: [Int32]
    /// The text those tokens add; may lag the tokens (incomplete characters, possible stop strings).
    public var text: String

    public init(requestId: String, completionTokens: Int, tokens: [Int32], text: String) {
        self.requestId = requestId
        self.completionTokens = completionTokens
        self.tokens = tokens
        self.text = text
    }
}

extension Partial {
    func encode(to writer: inout WireWriter) {
        writer.writeString(requestId)
        writer.writeInt(completionTokens)
        writer.writeList(tokens) { $0.writeInt32($1) }
        writer.writeString(text)
    }

    init(from reader: inout WireReader) throws(WireError) {
        requestId = try reader.readName("request_id")
        completionTokens = try reader.readInt("completion_tokens")
        tokens = try reader.readList("tokens", limit: reader.limits.maxTokenIds) {
            (reader: inout WireReader) throws(WireError) in try reader.readInt32("tokens")
        }
        text = try reader.readText("text")
    }
}
