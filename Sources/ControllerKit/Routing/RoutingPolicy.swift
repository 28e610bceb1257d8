/// How the controller chooses among the live workers serving a request's model.
public enum RoutingPolicy: String, Sendable, CaseIterable {
    /// The lowest outstanding load over measured speed (the default).
    case leastLoad = "least-load"
    /// Each worker in turn, by id.
    case roundRobin = "round-robin"
    /// The less loaded of two workers drawn at random (seeded).
    case powerOfTwo = "power-of-two"
    /// The worker whose image cache holds the request's image, else the one its longest prompt prefix
    /// was routed to, unless loads are imbalanced.
    case cacheAware = "cache-aware"
}
