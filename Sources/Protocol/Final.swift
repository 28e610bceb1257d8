/// FINAL: the end of a request that ran.
public struct Final: Sendable, Equatable {
    public var requestId: String
    public var finishReason: FinishReason
    public var usage: Usage
    public var timings: Timings

    public init(requestId: String, finishReason: FinishReason, usage: Usage, timings: Timings) {
        self.requestId = requestId
        self.finishReason = finishReason
        self.usage = usage
        self.timings = timings
    }
}

public enum FinishReason: UInt8, Sendable, CaseIterable {
    /// End-of-sequence or a stop string.
    case stop = 0
    /// max_tokens or the context.
    case length = 1
    case cancelled = 2
    case deadline = 3

    /// The stable name, as logs and `loom-worker generate --json` print it.
    public var name: String {
        switch self {
        case .stop: "stop"
        case .length: "length"
        case .cancelled: "cancelled"
        case .deadline: "deadline"
        }
    }
}

public struct Usage: Sendable, Equatable {
    /// Prompt tokens, images excluded.
    public var promptTokens: Int
    /// Context tokens the images took.
    public var imageTokens: Int
    public var completionTokens: Int
    /// Prompt positions (text and image) whose KV came from the worker's prefix cache, not computed.
    public var cachedTokens: Int

    public init(promptTokens: Int, imageTokens: Int, completionTokens: Int, cachedTokens: Int = 0) {
        self.promptTokens = promptTokens
        self.imageTokens = imageTokens
        self.completionTokens = completionTokens
        self.cachedTokens = cachedTokens
    }
}

/// Measured at the worker, from the request's arrival there.
public struct Timings: Sendable, Equatable {
    public var queueMs: Double
    public var timeToFirstTokenMs: Double
    /// Completion tokens after the first, over the time spent decoding them.
    public var decodeTokensPerSecond: Double
    public var totalMs: Double
    /// From arrival until the encoder began on the request's images; 0 when it had none to encode.
    public var imageQueueMs: Double
    /// Wall time from that start until its last image was encoded; 0 when it had none to encode.
    public var imageEncodeMs: Double

    public init(
        queueMs: Double, timeToFirstTokenMs: Double, decodeTokensPerSecond: Double, totalMs: Double,
        imageQueueMs: Double = 0, imageEncodeMs: Double = 0
    ) {
        self.queueMs = queueMs
        self.timeToFirstTokenMs = timeToFirstTokenMs
        self.decodeTokensPerSecond = decodeTokensPerSecond
        self.totalMs = totalMs
        self.imageQueueMs = imageQueueMs
        self.imageEncodeMs = imageEncodeMs
    }
}

extension Final {
    func encode(to writer: inout WireWriter) {
        writer.writeString(requestId)
        writer.writeEnum(finishReason)
        writer.writeInt(usage.promptTokens)
        writer.writeInt(usage.imageTokens)
        writer.writeInt(usage.completionTokens)
        writer.writeInt(usage.cachedTokens)
        writer.writeDouble(timings.queueMs)
        writer.writeDouble(timings.timeToFirstTokenMs)
        writer.writeDouble(timings.decodeTokensPerSecond)
        writer.writeDouble(timings.totalMs)
        writer.writeDouble(timings.imageQueueMs)
        writer.writeDouble(timings.imageEncodeMs)
    }

    init(from reader: inout WireReader) throws(WireError) {
        requestId = try reader.readName("request_id")
        finishReason = try reader.readEnum(FinishReason.self, "finish_reason")
        usage = Usage(
            promptTokens: try reader.readInt("prompt_tokens"),
            imageTokens: try reader.readInt("image_tokens"),
            completionTokens: try reader.readInt("completion_tokens"),
            cachedTokens: try reader.readInt("cached_tokens"))
        timings = Timings(
            queueMs: try reader.readDouble("queue_ms"),
            timeToFirstTokenMs: try reader.readDouble("time_to_first_token_ms"),
            decodeTokensPerSecond: try reader.readDouble("decode_tokens_per_second"),
            totalMs: try reader.readDouble("total_ms"),
            imageQueueMs: try reader.readDouble("image_queue_ms"),
            imageEncodeMs: try reader.readDouble("image_encode_ms"))
    }
}
