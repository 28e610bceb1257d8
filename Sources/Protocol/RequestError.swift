/// ERROR: the end of a request that failed.
public struct RequestError: Error, Sendable, Equatable {
    /// Empty when the failing message's id could not be read.
    public var requestId: String
    public var code: ErrorCode
    /// For people: what went wrong, specifically.
    public var message: String

    public init(requestId: String, code: ErrorCode, message: String) {
        self.requestId = requestId
        self.code = code
        self.message = message
    }
}

extension RequestError {
    func encode(to writer: inout WireWriter) {
        writer.writeString(requestId)
        writer.writeEnum(code)
        writer.writeString(message)
    }

    init(from reader: inout WireReader) throws(WireError) {
        requestId = try reader.readName("request_id")
        code = try reader.readEnum(ErrorCode.self, "code")
        message = try reader.readText("message")
    }
}
