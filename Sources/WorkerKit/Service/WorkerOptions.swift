import Engine
import Foundation
import ZeroMQ

/// How a worker runs: where its controller is, which model, and the sizes of its batch and KV pool.
public struct WorkerOptions: Sendable {
    public var controller: String
    public var model: String
    public var mmproj: String?
    public var workerID: String
    public var advertise: String
    public var modelName: String?
    public var maxRunning = 32
    /// Bytes of the KV pool; `nil`: `kvMemoryShare` of the memory available beside the weights.
    public var kvBudgetBytes: Int?
    public var kvMemoryShare = 0.5
    public var prefillChunk = 256
    /// How long one step should take: prefill chunks shrink to fit it beside the decodes, so a long
    /// prompt never stalls running streams for long. `nil`: steps are bounded by items alone.
    public var stepTarget: Duration? = .milliseconds(100)
    /// The most vision tower work one step runs while images wait; `nil`: what the step target leaves
    /// after the decodes.
    public var visionBudget: Duration?
    public var threads = 2
    /// How the decoder adds its terms: `.fast`, or llama.cpp's order (`.exact`) as a check.
    public var arithmetic = Arithmetic.fast
    /// Keep computed KV blocks for later prompts that begin with the same items. Only with the fast
    /// arithmetic: in llama.cpp's order a position's numbers depend on how its prompt was cut.
    public var prefixCache = true
    public var heartbeat: Duration = .seconds(1)
    public var liveness = 3
    public var drain: Duration = .seconds(30)
    /// Prompt positions one request may have; `nil`: the model's context length.
    public var maxPromptTokens: Int?
    /// Bounds of an image file, judged from its header before decoding.
    public var imageLimits = ImageLimits.default
    /// CURVE: the controller's public key (Z85); `nil`: plain TCP.
    public var curveServerKey: String?
    /// CURVE: this worker's key pair, whose public key the controller lists; `nil` with a server key:
    /// a fresh pair at each start (only for a controller without a worker allow-list).
    public var curveKeys: CurveKeyPair?
    /// A file rewritten every heartbeat with `connected`, `disconnected` or `draining`, for probes.
    public var healthFile: String?

    public init(controller: String, model: String, workerID: String? = nil, advertise: String? = nil) {
        self.controller = controller
        self.model = model
        let host = ProcessInfo.processInfo.hostName
        self.workerID = workerID ?? "\(host)-\(ProcessInfo.processInfo.processIdentifier)"
        self.advertise = advertise ?? host
    }
}
