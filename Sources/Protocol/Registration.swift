/// READY (worker → controller): who the worker is and what it can take.
public struct Registration: Sendable, Equatable {
    /// Equal to the worker's ZeroMQ routing id.
    public var workerId: String
    /// Random, chosen once per process: tells a reconnecting worker from a restarted or duplicate one.
    public var instance: UInt64
    /// Software version, for operators.
    public var version: String
    /// The host the worker advertises, for operators.
    public var host: String
    public var models: [ModelInfo]
    public var capacity: WorkerCapacity

    public init(
        workerId: String, instance: UInt64, version: String, host: String, models: [ModelInfo],
        capacity: WorkerCapacity
    ) {
        self.workerId = workerId
        self.instance = instance
        self.version = version
        self.host = host
        self.models = models
        self.capacity = capacity
    }
}

public struct ModelInfo: Sendable, Equatable {
    public var name: String
    /// In tokens.
    public var contextLength: Int
    /// Accepts images.
    public var multimodal: Bool

    public init(name: String, contextLength: Int, multimodal: Bool) {
        self.name = name
        self.contextLength = contextLength
        self.multimodal = multimodal
    }
}

public struct WorkerCapacity: Sendable, Equatable {
    /// Most sequences running at once.
    public var maxRunningSequences: Int
    /// KV-cache blocks in the pool.
    public var kvBlocks: Int
    /// Tokens per KV block.
    public var kvBlockTokens: Int

    public init(maxRunningSequences: Int, kvBlocks: Int, kvBlockTokens: Int) {
        self.maxRunningSequences = maxRunningSequences
        self.kvBlocks = kvBlocks
        self.kvBlockTokens = kvBlockTokens
    }
}

extension Registration {
    func encode(to writer: inout WireWriter) {
        writer.writeString(workerId)
        writer.writeFixed64(instance)
        writer.writeString(version)
        writer.writeString(host)
        writer.writeList(models) { $1.encode(to: &$0) }
        capacity.encode(to: &writer)
    }

    init(from reader: inout WireReader) throws(WireError) {
        workerId = try reader.readName("worker_id")
        instance = try reader.readFixed64("instance")
        version = try reader.readName("version")
        host = try reader.readName("host")
        models = try reader.readList("models", limit: reader.limits.maxModels, ModelInfo.init(from:))
        capacity = try WorkerCapacity(from: &reader)
    }
}

extension ModelInfo {
    func encode(to writer: inout WireWriter) {
        writer.writeString(name)
        writer.writeInt(contextLength)
        writer.writeBool(multimodal)
    }

    init(from reader: inout WireReader) throws(WireError) {
        name = try reader.readName("model.name")
        contextLength = try reader.readInt("model.context_length")
        multimodal = try reader.readBool("model.multimodal")
    }
}

extension WorkerCapacity {
    func encode(to writer: inout WireWriter) {
        writer.writeInt(maxRunningSequences)
        writer.writeInt(kvBlocks)
        writer.writeInt(kvBlockTokens)
    }

    init(from reader: inout WireReader) throws(WireError) {
        maxRunningSequences = try reader.readInt("max_running")
        kvBlocks = try reader.readInt("kv_blocks")
        kvBlockTokens = try reader.readInt("kv_block_tokens")
    }
}
