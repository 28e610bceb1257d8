/// What a worker's HEARTBEAT says about its load.
public struct WorkerLoad: Sendable, Equatable {
    /// Requests admitted by the worker but not yet running.
    public var waiting: Int
    /// Sequences running.
    public var running: Int
    public var kvBlocksUsed: Int
    public var kvBlocksTotal: Int
    /// Tokens generated per second over the worker's last window.
    public var tokensPerSecond: Double
    /// Content hashes of images whose encoder output the worker holds, most recent first.
    public var recentImages: [UInt64]

    public init(
        waiting: Int, running: Int, kvBlocksUsed: Int, kvBlocksTotal: Int, tokensPerSecond: Double,
        recentImages: [UInt64]
    ) {
        self.waiting = waiting
        self.running = running
        self.kvBlocksUsed = kvBlocksUsed
        self.kvBlocksTotal = kvBlocksTotal
        self.tokensPerSecond = tokensPerSecond
        self.recentImages = recentImages
    }
}

extension WorkerLoad {
    func encode(to writer: inout WireWriter) {
        writer.writeInt(waiting)
        writer.writeInt(running)
        writer.writeInt(kvBlocksUsed)
        writer.writeInt(kvBlocksTotal)
        writer.writeDouble(tokensPerSecond)
        writer.writeList(recentImages) { $0.writeFixed64($1) }
    }

    init(from reader: inout WireReader) throws(WireError) {
        waiting = try reader.readInt("load.waiting")
        running = try reader.readInt("load.running")
        kvBlocksUsed = try reader.readInt("load.kv_used")
        kvBlocksTotal = try reader.readInt("load.kv_total")
        tokensPerSecond = try reader.readDouble("load.tokens_per_second")
        recentImages = try reader.readList("load.recent_images", limit: reader.limits.maxImageKeys) {
            (reader: inout WireReader) throws(WireError) in try reader.readFixed64("load.recent_images")
        }
    }
}
