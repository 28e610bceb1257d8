import LoomProtocol

/// Everything `loom-controller`'s options set.
public struct ControllerConfiguration: Sendable {
    /// Where the workers' ROUTER binds.
    public var workerEndpoint = "tcp://*:5560"
    /// Where the clients' ROUTER binds.
    public var clientEndpoint = "tcp://*:5559"
    /// Where the HTTP front door listens; port 0 picks a free one.
    public var httpHost = "0.0.0.0"
    public var httpPort = 8080
    public var liveness = Liveness()
    public var policy = RoutingPolicy.cacheAware
    public var cacheAware = CacheAwareSettings()
    /// Seed of the power-of-two policy's draws.
    public var routingSeed: UInt64 = 0x4C4F_4F4D
    /// Requests held waiting for a worker; past it new requests get `overloaded` at once.
    public var maxQueue = 256
    /// Requests dispatched to a worker per sequence it can run (see `WorkerRegistry.oversubscription`).
    public var oversubscription = 2
    /// Every request ends within this (or its own earlier deadline).
    public var requestTimeout: Duration = .seconds(300)
    /// A worker holding requests that makes no progress on any of them for this long is dropped and
    /// its requests handled as lost (see `WorkerLoad.showsWork`); `nil`: never.
    public var stallTimeout: Duration? = .seconds(30)
    /// Bearer keys accepted by the HTTP front door; empty: no authentication.
    public var apiKeys: [String] = []
    /// The largest HTTP request body; larger ones get 413 before any decoding.
    public var maxRequestBodyBytes = 64 << 20
    /// An HTTP client must send each request whole (head and body) within this of opening its
    /// connection or of its previous response's end, or the connection is closed; `nil`: no limit.
    public var httpReadTimeout: Duration? = .seconds(30)
    /// HTTP connections one client address may hold open; more are closed as they open. `nil`: no cap.
    public var maxConnectionsPerAddress: Int? = 64
    /// The largest decoded image; larger ones get 400 bad_image.
    public var maxImageBytes = 20 << 20
    /// max_tokens of an HTTP request that gives none.
    public var defaultMaxTokens = 1024
    /// The largest max_tokens a request (HTTP or ZeroMQ) may ask; more is refused with bad_request.
    /// `nil`: only the model's context bounds it (the worker refuses what cannot fit).
    public var maxTokensLimit: Int?
    /// Bounds of the wire messages the controller accepts and sends.
    public var limits = WireLimits.default
    /// CURVE on both ROUTERs, with allow-lists; `nil`: plain TCP.
    public var security: ControllerSecurity?

    public init() {}

    /// How long after start a request for a model no live worker serves is held (in the queue,
    /// within its deadline) rather than refused, so workers re-registering after a controller
    /// restart are waited for; liveness × interval is enough for them to hear of it.
    public var registrationGrace: Duration = .seconds(3)

    /// How often the controller checks deadlines, expiry and heartbeats: a quarter interval,
    /// between 10 and 250 ms.
    public var tickInterval: Duration {
        min(max(liveness.heartbeatInterval / 4, .milliseconds(10)), .milliseconds(250))
    }
}
