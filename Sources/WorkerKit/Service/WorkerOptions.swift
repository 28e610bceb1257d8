import Foundation

/// How a worker runs: where its controller is, which model, and the sizes of its batch and KV pool.
public struct WorkerOptions: Sendable {
    public var controller: String
    public var model: String
    public var mmproj: String?
    public var workerID: String
    public var advertise: String
    public var modelName: String?
    public var maxRunning = 32
    public var kvBudgetBytes = 256 << 20
    public var prefillChunk = 256
    public var threads = 2
    public var heartbeat: Duration = .seconds(1)
    public var liveness = 3
    public var drain: Duration = .seconds(30)

    public init(controller: String, model: String, workerID: String? = nil, advertise: String? = nil) {
        self.controller = controller
        self.model = model
        let host = ProcessInfo.processInfo.hostName
        self.workerID = workerID ?? "\(host)-\(ProcessInfo.processInfo.processIdentifier)"
        self.advertise = advertise ?? host
    }
}
