/// STATUS_REPLY: the controller's state, for dashboards.
public struct ControllerStatus: Sendable, Equatable {
    public var uptimeMs: Int
    public var counters: Counters
    public var workers: [WorkerStatus]

    public init(uptimeMs: Int, counters: Counters, workers: [WorkerStatus]) {
        self.uptimeMs = uptimeMs
        self.counters = counters
        self.workers = workers
    }
}

/// Totals since the controller started, and rates over its last window.
public struct Counters: Sendable, Equatable {
    /// Ended by FINAL stop or length.
    public var completed: Int
    public var cancelled: Int
    /// Ended by deadline or timeout.
    public var timedOut: Int
    /// Ended by any other ERROR.
    public var failed: Int
    public var tokensGenerated: Int
    public var requestsPerSecond: Double
    public var tokensPerSecond: Double
    /// Dispatched and not yet ended.
    public var inFlight: Int
    /// Waiting for a worker.
    public var queueLength: Int
    public var errorsLastMinute: Int

    public init(
        completed: Int = 0, cancelled: Int = 0, timedOut: Int = 0, failed: Int = 0, tokensGenerated: Int = 0,
        requestsPerSecond: Double = 0, tokensPerSecond: Double = 0, inFlight: Int = 0, queueLength: Int = 0,
        errorsLastMinute: Int = 0
    ) {
        self.completed = completed
        self.cancelled = cancelled
        self.timedOut = timedOut
        self.failed = failed
        self.tokensGenerated = tokensGenerated
        self.requestsPerSecond = requestsPerSecond
        self.tokensPerSecond = tokensPerSecond
        self.inFlight = inFlight
        self.queueLength = queueLength
        self.errorsLastMinute = errorsLastMinute
    }
}

public struct WorkerStatus: Sendable, Equatable {
    public var id: String
    public var host: String
    public var version: String
    public var models: [ModelInfo]
    public var state: WorkerState
    public var heartbeatAgeMs: Int
    public var load: WorkerLoad
    public var capacity: WorkerCapacity

    public init(
        id: String, host: String, version: String, models: [ModelInfo], state: WorkerState,
        heartbeatAgeMs: Int, load: WorkerLoad, capacity: WorkerCapacity
    ) {
        self.id = id
        self.host = host
        self.version = version
        self.models = models
        self.state = state
        self.heartbeatAgeMs = heartbeatAgeMs
        self.load = load
        self.capacity = capacity
    }
}

/// docs/protocol.md, section 5.2.
public enum WorkerState: UInt8, Sendable, CaseIterable {
    /// Live, with capacity left.
    case ready = 0
    /// Live, at capacity or with requests waiting.
    case busy = 1
    /// Silent for 2 intervals: nothing new is routed to it.
    case stale = 2
    /// Silent past liveness, or disconnected.
    case gone = 3
}

extension ControllerStatus {
    func encode(to writer: inout WireWriter) {
        writer.writeInt(uptimeMs)
        counters.encode(to: &writer)
        writer.writeList(workers) { $1.encode(to: &$0) }
    }

    init(from reader: inout WireReader) throws(WireError) {
        uptimeMs = try reader.readInt("uptime_ms")
        counters = try Counters(from: &reader)
        workers = try reader.readList("workers", limit: reader.limits.maxWorkers, WorkerStatus.init(from:))
    }
}

extension Counters {
    func encode(to writer: inout WireWriter) {
        writer.writeInt(completed)
        writer.writeInt(cancelled)
        writer.writeInt(timedOut)
        writer.writeInt(failed)
        writer.writeInt(tokensGenerated)
        writer.writeDouble(requestsPerSecond)
        writer.writeDouble(tokensPerSecond)
        writer.writeInt(inFlight)
        writer.writeInt(queueLength)
        writer.writeInt(errorsLastMinute)
    }

    init(from reader: inout WireReader) throws(WireError) {
        completed = try reader.readInt("completed")
        cancelled = try reader.readInt("cancelled")
        timedOut = try reader.readInt("timed_out")
        failed = try reader.readInt("failed")
        tokensGenerated = try reader.readInt("tokens_generated")
        requestsPerSecond = try reader.readDouble("requests_per_second")
        tokensPerSecond = try reader.readDouble("tokens_per_second")
        inFlight = try reader.readInt("in_flight")
        queueLength = try reader.readInt("queue_length")
        errorsLastMinute = try reader.readInt("errors_last_minute")
    }
}

extension WorkerStatus {
    func encode(to writer: inout WireWriter) {
        writer.writeString(id)
        writer.writeString(host)
        writer.writeString(version)
        writer.writeList(models) { $1.encode(to: &$0) }
        writer.writeEnum(state)
        writer.writeInt(heartbeatAgeMs)
        load.encode(to: &writer)
        capacity.encode(to: &writer)
    }

    init(from reader: inout WireReader) throws(WireError) {
        id = try reader.readName("worker.id")
        host = try reader.readName("worker.host")
        version = try reader.readName("worker.version")
        models = try reader.readList("worker.models", limit: reader.limits.maxModels, ModelInfo.init(from:))
        state = try reader.readEnum(WorkerState.self, "worker.state")
        heartbeatAgeMs = try reader.readInt("worker.heartbeat_age_ms")
        load = try WorkerLoad(from: &reader)
        capacity = try WorkerCapacity(from: &reader)
    }
}
