import LoomProtocol

/// One request the controller holds, queued or dispatched, until it ends.
struct RelayRequest: Sendable {
    /// The id on the worker side, assigned by the controller.
    let key: String
    let client: ClientAddress
    let clientRequestId: String
    let model: String
    let hints: RoutingHints
    let arrival: ContinuousClock.Instant
    let deadline: ContinuousClock.Instant
    /// The request as sent to workers (the controller's id and deadline), kept until the first
    /// PARTIAL so it can be sent again if its worker is lost before then.
    var pending: GenerationRequest?
    /// The worker it was dispatched to; `nil` while queued.
    var worker: String?
    var attempts = 0
    /// Workers it was lost on: a retry goes elsewhere when it can.
    var lostOn: Set<String> = []
    /// Its client cancelled it while it was at a worker: if that worker is lost before it confirms,
    /// the request ends there, cancelled, instead of being sent again.
    var cancelRequested = false
    var firstToken: ContinuousClock.Instant?
    var lastToken: ContinuousClock.Instant?
    var completionTokens = 0

    var hasStreamed: Bool { firstToken != nil }
}
